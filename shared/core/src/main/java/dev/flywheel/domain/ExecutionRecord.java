package dev.flywheel.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A state machine execution as the local runtime (or Step Functions) ran it, with its event history.
 *
 * @param stateMachine the definition's name, e.g. "training-pipeline"
 * @param owner        the process that runs it (the embedded runtime), to tell a RUNNING execution whose process
 *                     is gone; null for executions Step Functions runs
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
        List<ExecutionEvent> events,
        ProcessOwner owner) {

    public ExecutionRecord(String id, String stateMachine, ExecutionStatus status, JsonNode input, JsonNode output,
                           String error, String cause, Instant startedAt, Instant stoppedAt,
                           List<ExecutionEvent> events) {
        this(id, stateMachine, status, input, output, error, cause, startedAt, stoppedAt, events, null);
    }

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

    /** The same execution, ended with {@code newStatus}. */
    public ExecutionRecord stopped(ExecutionStatus newStatus, String newError, String newCause, Instant at) {
        return new ExecutionRecord(id, stateMachine, newStatus, input, output, newError, newCause, startedAt, at,
                events, owner);
    }

    /**
     * Whether this RUNNING execution's process is gone: it will never end by itself (abandoned). False when it
     * ended, when it runs, or when its owner is unknown here.
     */
    public boolean abandoned() {
        return status == ExecutionStatus.RUNNING && owner != null
                && owner.liveness() == ProcessOwner.Liveness.GONE;
    }
}
