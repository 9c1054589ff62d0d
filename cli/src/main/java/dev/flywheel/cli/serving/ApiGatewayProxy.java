package dev.flywheel.cli.serving;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.json.Json;
import dev.flywheel.lambda.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What API Gateway does in front of the inference function, on this machine: an HTTP request becomes a REST API
 * proxy event shaped as AWS sends it (functions/inference/src/test/resources/events), the handler is invoked with
 * the event's JSON bytes, and its proxy response becomes the HTTP answer. The local server and the {@code predict}
 * command both go through here, so the local path is the Lambda path.
 */
public final class ApiGatewayProxy {
    /** The stage name local events carry (API Gateway's would be {@code prod}). */
    public static final String STAGE = "local";
    /** API Gateway's integration timeout, the deadline the handler's context reports. */
    static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(29);
    private static final String FUNCTION_NAME = "flywheel-inference";

    private ApiGatewayProxy() {
    }

    /** One HTTP request as the adapter received it. */
    public record HttpRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                              byte[] body, String sourceIp) {
        public HttpRequest {
            headers = headers == null ? Map.of() : headers;
            body = body == null ? new byte[0] : body;
        }
    }

    /** The handler's proxy response. */
    public record Reply(int status, Map<String, String> headers, Map<String, List<String>> multiValueHeaders,
                        String body, boolean base64) {
        /** The body's bytes, decoded when the handler sent it base64-encoded. */
        public byte[] bodyBytes() {
            if (body == null) {
                return new byte[0];
            }
            return base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        }

        /** The body as JSON, or an empty object when it is not JSON. */
        public JsonNode json() {
            try {
                return Json.tree(new String(bodyBytes(), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                return Json.object();
            }
        }

        /** The {@code error} the API answered with (API Gateway's {@code message}), or the raw body when none. */
        public String error() {
            String error = json().path("error").asText("");
            if (error.isEmpty()) {
                // API Gateway's own refusals (403 unsigned, 429 throttled) say it in "message"
                error = json().path("message").asText("");
                if (!error.isEmpty()) {
                    error = "the API answered " + status + ": " + error;
                }
            }
            return error.isEmpty() ? new String(bodyBytes(), StandardCharsets.UTF_8) : error;
        }

        /** A header, whatever its case, or null. */
        public String header(String name) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }
    }

    /**
     * The REST API proxy event for a request: method, path and query (raw path, as the API decodes its segments
     * itself), headers (the last value of each, all of them in {@code multiValueHeaders}), the body as UTF-8 text,
     * or base64 with {@code isBase64Encoded} when it is not valid UTF-8, and a request context with the given id.
     */
    public static byte[] event(HttpRequest request, String requestId) {
        ObjectNode event = Json.object();
        String path = request.rawPath() == null || request.rawPath().isEmpty() ? "/" : request.rawPath();
        event.put("resource", "/{proxy+}");
        event.put("path", path);
        event.put("httpMethod", request.method());
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        request.headers().forEach((name, values) -> {
            if (values != null && !values.isEmpty()) {
                headers.put(name, values.get(values.size() - 1));
                values.forEach(multiHeaders.withArray(name)::add);
            }
        });
        Map<String, List<String>> query = query(request.rawQuery());
        if (query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            query.forEach((name, values) -> {
                single.put(name, values.get(values.size() - 1));
                values.forEach(multi.withArray(name)::add);
            });
        }
        event.putObject("pathParameters").put("proxy", path.startsWith("/") ? path.substring(1) : path);
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext");
        context.put("resourcePath", "/{proxy+}");
        context.put("httpMethod", request.method());
        context.put("path", path);
        context.put("protocol", "HTTP/1.1");
        context.put("stage", STAGE);
        context.put("requestTimeEpoch", System.currentTimeMillis());
        context.put("requestId", requestId);
        ObjectNode identity = context.putObject("identity");
        identity.put("sourceIp", request.sourceIp());
        identity.put("userAgent", headerValue(request.headers(), "User-Agent"));
        if (request.body().length == 0) {
            event.putNull("body");
            event.put("isBase64Encoded", false);
        } else {
            String text = utf8(request.body());
            event.put("body", text != null ? text : Base64.getEncoder().encodeToString(request.body()));
            event.put("isBase64Encoded", text == null);
        }
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }

    /** Invokes the handler as Lambda does, bytes in and bytes out, and reads its proxy response. */
    public static Reply invoke(RequestStreamHandler handler, byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out,
                    new LocalLambdaContext(FUNCTION_NAME, INTEGRATION_TIMEOUT, 2048));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode response = Json.tree(out.toString(StandardCharsets.UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        Map<String, List<String>> multi = new LinkedHashMap<>();
        response.path("multiValueHeaders").fields().forEachRemaining(h -> {
            List<String> values = new ArrayList<>();
            h.getValue().forEach(v -> values.add(v.asText()));
            multi.put(h.getKey(), values);
        });
        JsonNode body = response.path("body");
        return new Reply(response.path("statusCode").asInt(502), headers, multi, body.isNull() || body.isMissingNode()
                ? null : body.asText(), response.path("isBase64Encoded").asBoolean(false));
    }

    /** A request made in-process, with a new request id: what the {@code predict} command sends. */
    public static Reply call(RequestStreamHandler handler, String method, String path, Map<String, String> query,
                             String body) {
        StringBuilder rawQuery = new StringBuilder();
        if (query != null) {
            query.forEach((name, value) -> {
                if (value != null) {
                    rawQuery.append(rawQuery.length() == 0 ? "" : "&").append(encode(name)).append('=')
                            .append(encode(value));
                }
            });
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Accept", List.of("application/json"));
        headers.put("User-Agent", List.of("flywheel-cli"));
        if (body != null) {
            headers.put("Content-Type", List.of("application/json"));
        }
        HttpRequest request = new HttpRequest(method, path, rawQuery.toString(), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
        return invoke(handler, event(request, UUID.randomUUID().toString()));
    }

    /** A path segment or query value, percent-encoded. */
    public static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Query parameters by name, decoded, in order; a parameter without '=' has the empty value. */
    static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String headerValue(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name) && h.getValue() != null && !h.getValue().isEmpty()) {
                return h.getValue().get(h.getValue().size() - 1);
            }
        }
        return null;
    }

    /** The text of valid UTF-8 bytes, or null when they are not. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
