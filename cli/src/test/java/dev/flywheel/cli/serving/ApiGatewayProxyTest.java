package dev.flywheel.cli.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.functions.inference.ProxyRequest;
import dev.flywheel.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events the local server sends the handler: shaped as API Gateway's REST proxy events. */
class ApiGatewayProxyTest {
    private static final Map<String, List<String>> HEADERS = new LinkedHashMap<>(Map.of(
            "Content-type", List.of("application/json"), "X-Twice", List.of("first", "second")));

    @Test
    void event_carriesMethodPathQueryHeadersAndATextBody_asTheHandlerReadsThem() {
        byte[] event = ApiGatewayProxy.event(new ApiGatewayProxy.HttpRequest("POST", "/models/credit-risk/predict",
                "version=2&tag=a%20b&tag=c", HEADERS, "{\"instances\": [\"é\"]}".getBytes(StandardCharsets.UTF_8),
                "127.0.0.1"), "request-1");

        ProxyRequest request = Json.read(new String(event, StandardCharsets.UTF_8), ProxyRequest.class);
        assertThat(request.httpMethod()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/models/credit-risk/predict");
        assertThat(request.resource()).isEqualTo("/{proxy+}");
        assertThat(request.pathParameters()).containsEntry("proxy", "models/credit-risk/predict");
        assertThat(request.queryStringParameters()).containsEntry("version", "2").containsEntry("tag", "c");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("X-Twice")).isEqualTo("second");
        assertThat(request.requestContext().requestId()).isEqualTo("request-1");
        assertThat(request.requestContext().stage()).isEqualTo(ApiGatewayProxy.STAGE);
        assertThat(request.body()).isEqualTo("{\"instances\": [\"é\"]}");
        assertThat(request.isBase64Encoded()).isFalse();
        JsonNode raw = Json.tree(new String(event, StandardCharsets.UTF_8));
        assertThat(raw.path("multiValueQueryStringParameters").path("tag")).hasSize(2);
        assertThat(raw.path("multiValueQueryStringParameters").path("tag").get(0).asText()).isEqualTo("a b");
        assertThat(raw.path("multiValueHeaders").path("X-Twice")).hasSize(2);
    }

    @Test
    void event_sendsABodyThatIsNotUtf8AsBase64_andNoQueryAsNull() {
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};

        byte[] event = ApiGatewayProxy.event(new ApiGatewayProxy.HttpRequest("PUT", "/x", null, Map.of(), binary,
                "10.0.0.1"), "request-2");

        JsonNode raw = Json.tree(new String(event, StandardCharsets.UTF_8));
        assertThat(raw.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(raw.path("body").asText())).isEqualTo(binary);
        assertThat(raw.path("queryStringParameters").isNull()).isTrue();
        assertThat(raw.path("requestContext").path("identity").path("sourceIp").asText()).isEqualTo("10.0.0.1");
    }

    @Test
    void event_withoutABody_hasANullBody() {
        byte[] event = ApiGatewayProxy.event(new ApiGatewayProxy.HttpRequest("GET", "/openapi.json", "", Map.of(),
                null, "127.0.0.1"), "request-3");

        JsonNode raw = Json.tree(new String(event, StandardCharsets.UTF_8));
        assertThat(raw.path("body").isNull()).isTrue();
        assertThat(raw.path("isBase64Encoded").asBoolean()).isFalse();
    }
}
