package dev.flywheel.functions.inference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flywheel.domain.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads a request body as JSON, strictly and within limits, whatever its Content-Type says: the size limit, a
 * nesting depth that no valid request needs, no duplicate fields, no NaN or Infinity, nothing after the document.
 */
final class RequestBodies {
    /** Deeper than any valid request (an instance is two levels down; the Open Inference Protocol's data three). */
    static final int MAX_DEPTH = 16;

    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(400)
                            .maxStringLength(1_000_000)
                            .build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RequestBodies() {
    }

    /**
     * @throws ApiException 413 when the body is over {@code maxBytes}
     * @throws InvalidInputException when it is empty, not JSON, or not an object
     */
    static JsonNode object(ProxyRequest request, int maxBytes) {
        String body = request.body();
        if (body == null || body.isBlank()) {
            throw new InvalidInputException("the request has no body: send a JSON object");
        }
        byte[] bytes = null;
        if (request.isBase64Encoded()) {
            if (body.length() > maxBytes / 3 * 4 + 4) {
                throw tooLarge((long) body.length() / 4 * 3, maxBytes);
            }
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("the body is marked base64-encoded but is not valid base64");
            }
        }
        long size = bytes != null ? bytes.length : body.length() > maxBytes / 3 ? utf8Length(body) : body.length();
        if (size > maxBytes) {
            throw tooLarge(size, maxBytes);
        }
        JsonNode node;
        try {
            node = bytes != null ? STRICT.readTree(bytes) : STRICT.readTree(body);
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            throw new InvalidInputException(message.contains("nesting depth")
                    ? "the body is nested deeper than " + MAX_DEPTH + " levels, which no valid request needs"
                    : "the body has a number or text longer than a request needs");
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new InvalidInputException("the body is not valid JSON: there is more after the JSON object "
                    + "(send exactly one object)");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the body is not valid JSON: " + describe(e));
        } catch (java.io.IOException e) {
            throw new InvalidInputException("the body is not valid JSON: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidInputException("the request has no body: send a JSON object");
        }
        if (!node.isObject()) {
            throw new InvalidInputException("the body must be a JSON object, got " + (node.isArray() ? "an array"
                    : "a " + node.getNodeType().name().toLowerCase()));
        }
        return node;
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message != null && (message.contains("'NaN'") || message.contains("Infinity"))) {
            return "NaN and Infinity are not JSON numbers: send null for a missing value";
        }
        String first = message == null ? "unreadable" : message.lines().findFirst().orElse(message);
        // Jackson's messages end with parser details no client needs ("Source: REDACTED ...").
        int source = first.indexOf(" at [Source");
        if (source > 0) {
            first = first.substring(0, source);
        }
        first = first.replaceAll("\\s*\\(StreamReadFeature[^)]*\\)", "");
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            first += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return first.length() > 300 ? first.substring(0, 300) + "…" : first;
    }

    private static ApiException tooLarge(long size, int maxBytes) {
        return new ApiException(413, "the body has " + size + " bytes; the limit is " + maxBytes
                + ": split the instances into several requests");
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
