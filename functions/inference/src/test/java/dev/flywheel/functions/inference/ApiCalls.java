package dev.flywheel.functions.inference;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.json.Json;
import dev.flywheel.testing.LambdaEvents;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Calls the handler as API Gateway does: the recorded proxy event with another method, path, query and body. */
final class ApiCalls {
    private static final String TEMPLATE = LambdaEvents.event("api-gateway-rest-proxy.json");

    private ApiCalls() {
    }

    record Response(int status, JsonNode headers, JsonNode body, String rawBody) {
        String error() {
            return body.path("error").asText();
        }
    }

    static String event(String method, String path, Map<String, String> query, String body) {
        ObjectNode event = (ObjectNode) Json.tree(TEMPLATE);
        event.put("httpMethod", method);
        event.put("path", path);
        ((ObjectNode) event.get("requestContext")).put("httpMethod", method);
        event.set("queryStringParameters", query == null ? null : Json.toTree(query));
        if (body == null) {
            event.putNull("body");
        } else {
            event.put("body", body);
        }
        ((ObjectNode) event.get("requestContext")).put("requestId", java.util.UUID.randomUUID().toString());
        return Json.write(event);
    }

    static Response call(RequestStreamHandler handler, String method, String path, Map<String, String> query,
                         String body) {
        return send(handler, event(method, path, query, body));
    }

    static Response post(RequestStreamHandler handler, String path, String body) {
        return call(handler, "POST", path, null, body);
    }

    static Response get(RequestStreamHandler handler, String path) {
        return call(handler, "GET", path, null, null);
    }

    static Response send(RequestStreamHandler handler, String event) {
        JsonNode response = Json.tree(LambdaEvents.invokeRaw(handler, event.getBytes(StandardCharsets.UTF_8)));
        String raw = response.path("body").asText();
        JsonNode body;
        try {
            body = Json.tree(raw);
        } catch (RuntimeException e) {
            body = Json.object();
        }
        return new Response(response.path("statusCode").asInt(), response.path("headers"), body, raw);
    }
}
