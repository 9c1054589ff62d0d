package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the execution history, named as Step Functions names it ({@code TaskStateEntered},
 * {@code TaskScheduled}, {@code MapIterationStarted}...).
 *
 * @param id              1-based, increasing in the order events were recorded
 * @param previousEventId the id of the previous event on the same path of execution (0 for the first one); inside a
 *                        Map iteration or Parallel branch, the previous event of that iteration or branch
 * @param type            the event type
 * @param timestamp       when it was recorded, from the execution's clock
 * @param details         type specific fields, e.g. {@code {name, input}} for StateEntered, {@code {name, output}}
 *                        for StateExited, {@code {resource, parameters}} for TaskScheduled, {@code {error, cause}}
 *                        for failures. Local additions: {@code retry: {attempt, delaySeconds, error}} on a
 *                        TaskScheduled (or MapStateStarted / ParallelStateStarted) that retries, and
 *                        {@code caught: {error, cause, next}} on the StateExited of a state whose error a Catch
 *                        handled.
 */
public record HistoryEvent(long id, long previousEventId, String type, Instant timestamp, JsonNode details) {
    public HistoryEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(details, "details");
    }
}
