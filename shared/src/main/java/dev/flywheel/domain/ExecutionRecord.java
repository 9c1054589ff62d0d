package dev.flywheel.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A state machine execution as the local runtime (or Step Functions) ran it, with its event history.
 *
 * @param stateMachine the definition's name, e.g. "training-pipeline"
 */
public record ExecutionRecord(
        String id,
        String stateMachine,
        ExecutionStatus status,
        JsonNode input,
        JsonNode output,
        String error,
        String cause,
        Instant startedAt,
        Instant stoppedAt,
        List<ExecutionEvent> events) {

    public ExecutionRecord {
        Require.name(id, "execution id");
        Require.text(stateMachine, "state machine");
        Require.notNull(status, "execution status");
        Require.notNull(startedAt, "execution startedAt");
        if (status.isTerminal() && stoppedAt == null) {
            throw new InvalidRecordException("a " + status + " execution needs stoppedAt");
        }
        events = events == null ? List.of() : List.copyOf(events);
        input = input == null || input.isNull() ? null : input;
        output = output == null || output.isNull() ? null : output;
    }
}
