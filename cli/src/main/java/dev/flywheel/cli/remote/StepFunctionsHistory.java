package dev.flywheel.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.json.Json;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads Step Functions' history events (the API's JSON: {@code {id, previousEventId, type, timestamp,
 * <type>EventDetails}}) as the embedded runtime's {@link HistoryEvent}s, so that the same listeners
 * ({@code Progress}) and the same printing serve a deployed execution. Feed it the events in id order, once each
 * (it keeps state, as a poller does).
 *
 * <ul>
 *   <li>details: the event's {@code ...EventDetails} object, with {@code input}, {@code output} and
 *       {@code parameters} parsed from their JSON text (kept as text when they are not JSON), and a Task's
 *       {@code resource} as the ARN the definition names ({@code arn:aws:states:::lambda:invoke.waitForTaskToken},
 *       from {@code resourceType} and {@code resource}).</li>
 *   <li>{@code previousEventId}: the embedded runtime's meaning, the previous event on the execution's main path, for
 *       every event outside a Map or Parallel state (the Map or Parallel state's own Succeeded/Failed/Aborted event
 *       included); events inside keep Step Functions' value. Step Functions' own value is not reliable for that:
 *       a Map's end follows its last iteration's event, and emulators differ (moto gives the first state 0).
 *       Inside is told by counting the Map/Parallel states started and not yet ended.</li>
 *   <li>the local additions Step Functions does not have are derived: a top-level TaskScheduled after a failure of
 *       the same state gets {@code retry: {attempt, error, delaySeconds}} (the back-off is the time between the
 *       failure and the new attempt); a StateExited after a failure its state did not recover from gets
 *       {@code caught: {error, cause}} (Step Functions exits a state whose error a Catch handled); a
 *       MapIterationFailed gets the {@code error} of the failure it follows (Step Functions gives only name and
 *       index).</li>
 * </ul>
 */
public final class StepFunctionsHistory {
    private static final Set<String> CONTAINER_STARTS = Set.of("MapStateStarted", "ParallelStateStarted");
    private static final Set<String> CONTAINER_ENDS = Set.of("MapStateSucceeded", "MapStateFailed", "MapStateAborted",
            "ParallelStateSucceeded", "ParallelStateFailed", "ParallelStateAborted");
    private static final Set<String> TASK_FAILURES = Set.of("TaskFailed", "TaskTimedOut", "TaskStartFailed",
            "TaskSubmitFailed", "LambdaFunctionFailed", "LambdaFunctionTimedOut", "LambdaFunctionStartFailed",
            "LambdaFunctionScheduleFailed", "ActivityFailed", "ActivityTimedOut", "ActivityScheduleFailed",
            "MapStateFailed", "ParallelStateFailed");
    private static final Set<String> TASK_SUCCESSES = Set.of("TaskSucceeded", "LambdaFunctionSucceeded",
            "ActivitySucceeded", "MapStateSucceeded", "ParallelStateSucceeded");
    private static final Set<String> TEXT_TO_JSON = Set.of("input", "output", "parameters");

    /** Map/Parallel states started and not ended. */
    private int open;
    private long lastTopLevelId;
    private long lastId;
    /** The failure of the current top-level state's last attempt, or null. */
    private ObjectNode failure;
    private Instant failedAt;
    private int attempts;
    /** Errors of failures inside Map iterations, by event id: a MapIterationFailed names its item's error. */
    private final Map<Long, String> nestedErrors = new java.util.HashMap<>();

    /** The id of the last event read (0 before the first). */
    public long lastEventId() {
        return lastId;
    }

    /** The next event, in id order. */
    public HistoryEvent read(JsonNode event) {
        long id = event.path("id").asLong();
        String type = event.path("type").asText("");
        Instant at = timestamp(event.path("timestamp"));
        ObjectNode details = details(event);
        boolean topLevel = open == 0 || (open == 1 && CONTAINER_ENDS.contains(type));
        if (CONTAINER_STARTS.contains(type)) {
            open++;
        } else if (CONTAINER_ENDS.contains(type)) {
            open = Math.max(0, open - 1);
        }
        long previous = event.path("previousEventId").asLong();
        if (!topLevel && TASK_FAILURES.contains(type)) {
            nestedErrors.put(id, details.path("error").asText(""));
        } else if (type.equals("MapIterationFailed") && !details.has("error")
                && nestedErrors.containsKey(previous)) {
            details.put("error", nestedErrors.remove(previous));
        }
        if (topLevel) {
            previous = lastTopLevelId;
            lastTopLevelId = id;
            derive(type, details, at);
        }
        lastId = Math.max(lastId, id);
        return new HistoryEvent(id, previous, type, at, details);
    }

    private void derive(String type, ObjectNode details, Instant at) {
        if (type.endsWith("StateEntered")) {
            failure = null;
            attempts = 0;
        } else if (TASK_FAILURES.contains(type)) {
            failure = Json.object();
            failure.put("error", details.path("error").asText(""));
            if (details.hasNonNull("cause")) {
                failure.put("cause", details.path("cause").asText());
            }
            failedAt = at;
        } else if (TASK_SUCCESSES.contains(type)) {
            failure = null;
        } else if ((type.equals("TaskScheduled") || type.equals("LambdaFunctionScheduled")
                || type.equals("ActivityScheduled") || CONTAINER_STARTS.contains(type))) {
            attempts++;
            if (failure != null) {
                ObjectNode retry = details.putObject("retry");
                retry.put("attempt", attempts - 1);
                retry.put("error", failure.path("error").asText());
                retry.put("delaySeconds", failedAt == null ? 0.0
                        : Duration.between(failedAt, at).toMillis() / 1000.0);
                failure = null;
            }
        } else if (type.endsWith("StateExited") && failure != null) {
            details.set("caught", failure);
            failure = null;
        }
    }

    /** The {@code ...EventDetails} member, with JSON text parsed and the Task resource as an ARN. */
    private static ObjectNode details(JsonNode event) {
        ObjectNode details = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().endsWith("EventDetails") && field.getValue().isObject()) {
                details.setAll((ObjectNode) field.getValue().deepCopy());
            }
        }
        for (String name : TEXT_TO_JSON) {
            JsonNode value = details.get(name);
            if (value != null && value.isTextual()) {
                details.set(name, parse(value.asText()));
            }
        }
        if (details.hasNonNull("resourceType") && details.hasNonNull("resource")
                && !details.path("resource").asText().startsWith("arn:")) {
            details.put("resource", "arn:aws:states:::" + details.path("resourceType").asText() + ":"
                    + details.path("resource").asText());
        }
        return details;
    }

    /** JSON text as a tree; anything else (moto's "An output") as the text it is. */
    public static JsonNode parse(String text) {
        try {
            return Json.tree(text);
        } catch (IllegalArgumentException e) {
            return Json.mapper().getNodeFactory().textNode(text);
        }
    }

    /** ISO-8601 text, or epoch seconds (the wire format), or now when absent. */
    static Instant timestamp(JsonNode value) {
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.asText());
            } catch (java.time.format.DateTimeParseException e) {
                return java.time.OffsetDateTime.parse(value.asText().replace(' ', 'T')).toInstant();
            }
        }
        return Instant.now();
    }
}
