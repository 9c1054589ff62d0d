package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;

/**
 * One task invocation.
 *
 * @param resource   the Task state's {@code Resource} ARN, as written in the definition
 * @param parameters the effective input: the state input after {@code InputPath} and {@code Parameters}
 * @param taskToken  the generated token for {@code .waitForTaskToken} resources, otherwise null
 * @param context    the context object ({@code $$}) as JSON
 * @param timeout    the task timeout ({@code TimeoutSeconds}/{@code TimeoutSecondsPath}), or null when unbounded
 */
public record TaskRequest(String resource, JsonNode parameters, String taskToken, JsonNode context, Duration timeout) {
    public TaskRequest {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(context, "context");
    }
}
