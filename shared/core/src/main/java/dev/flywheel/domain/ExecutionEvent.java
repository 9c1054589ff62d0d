package dev.flywheel.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event of an execution's history, named as Step Functions names it ({@code TaskStateEntered}, ...).
 *
 * @param details event-specific fields: state name, input/output, error/cause, retry attempt
 */
public record ExecutionEvent(long id, long previousEventId, String type, Instant timestamp, JsonNode details) {
    public ExecutionEvent {
        Require.text(type, "event type");
        Require.notNull(timestamp, "event timestamp");
        details = details == null || details.isNull() ? null : details;
    }
}
