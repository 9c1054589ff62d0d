package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Fail states: fail with Error and Cause, or with what ErrorPath and CausePath give from the raw input. */
final class FailState implements StateHandler {
    @Override
    public Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, Instant entered,
                          Cancellation cancellation) {
        String error = s.text("Error");
        String cause = s.text("Cause");
        if (s.has("ErrorPath")) {
            error = evaluate(execution, s, "ErrorPath", raw);
        }
        if (s.has("CausePath")) {
            cause = evaluate(execution, s, "CausePath", raw);
        }
        throw new StatesException(error, cause);
    }

    /** A path or intrinsic function of {@code field}, as text (JSON text unless it gives a string). */
    private static String evaluate(ExecutionRun execution, StateMachine.State s, String field, JsonNode raw) {
        String expression = s.text(field);
        JsonNode value = JsonPaths.evaluateExpression(expression, raw,
                execution.context(s, execution.options().clock().instant(), 0), execution.io().intrinsics(),
                field + " '" + expression + "' matched nothing in the input");
        return value.isTextual() ? value.asText() : value.toString();
    }
}
