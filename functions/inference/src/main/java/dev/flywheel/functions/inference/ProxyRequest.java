package dev.flywheel.functions.inference;

import java.util.Map;

/**
 * An API Gateway REST API proxy event, the fields Flywheel reads, named exactly as AWS sends them (see
 * src/test/resources/events). Read with the project's Jackson configuration; other fields are ignored.
 */
public record ProxyRequest(String resource, String path, String httpMethod, Map<String, String> headers,
                           Map<String, String> queryStringParameters, Map<String, String> pathParameters,
                           RequestContext requestContext, String body, boolean isBase64Encoded) {
    public ProxyRequest {
        headers = headers == null ? Map.of() : headers;
        queryStringParameters = queryStringParameters == null ? Map.of() : queryStringParameters;
        pathParameters = pathParameters == null ? Map.of() : pathParameters;
    }

    /** @param requestId API Gateway's id of the request (also in its access logs) */
    public record RequestContext(String requestId, String stage) {
    }

    /** A query parameter, or null. */
    public String query(String name) {
        return queryStringParameters.get(name);
    }

    /** A header, whatever its case. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
