package dev.flywheel.functions.inference;

import java.util.Map;

/** The answer to an API Gateway proxy event: status, headers and a JSON body. */
public record ProxyResponse(int statusCode, Map<String, String> headers, String body, boolean isBase64Encoded) {
}
