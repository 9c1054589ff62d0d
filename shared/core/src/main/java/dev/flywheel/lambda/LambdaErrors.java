package dev.flywheel.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;

/** Reading the errors Step Functions reports for a failed Lambda task. */
public final class LambdaErrors {
    private LambdaErrors() {
    }

    /**
     * The message of a failure's cause: Step Functions gives a Lambda error as its JSON error document
     * ({@code errorMessage}, {@code errorType}, {@code stackTrace}); other causes are text, of which the first line.
     */
    public static String message(String cause) {
        if (cause == null) {
            return null;
        }
        try {
            JsonNode document = Json.tree(cause);
            if (document.hasNonNull("errorMessage")) {
                return document.path("errorMessage").asText();
            }
        } catch (RuntimeException notJson) {
            // a plain-text cause
        }
        return cause.lines().findFirst().orElse(cause);
    }
}
