package dev.flywheel.statemachines.runtime;

import dev.flywheel.domain.ExecutionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one execution.
 *
 * @param executionId the execution ARN
 * @param status      final status
 * @param output      the execution output; null unless {@link ExecutionStatus#SUCCEEDED}
 * @param error       the error name when failed or timed out, else null
 * @param cause       the error cause when failed, may be null
 * @param events      the full history, in id order
 * @param startDate   from the execution clock
 * @param stopDate    from the execution clock
 */
public record ExecutionResult(String executionId, ExecutionStatus status, JsonNode output, String error, String cause,
                              List<HistoryEvent> events, Instant startDate, Instant stopDate) {
    public ExecutionResult {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(status, "status");
        events = List.copyOf(events);
    }

    /** Event types in order, handy for assertions and progress output. */
    public List<String> eventTypes() {
        return events.stream().map(HistoryEvent::type).toList();
    }
}
