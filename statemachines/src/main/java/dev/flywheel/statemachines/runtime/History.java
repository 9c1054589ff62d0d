package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of one execution, shared by all its paths: events are numbered in the order they are recorded, and the
 * listener hears each one under the same lock, so its calls are serialized and come in id order.
 */
final class History {
    private final ExecutionOptions options;
    private final List<HistoryEvent> events = new ArrayList<>();
    private final Object lock = new Object();
    private long lastId;
    private boolean full;

    History(ExecutionOptions options) {
        this.options = options;
    }

    /**
     * Appends an event. Past the history quota only the execution's own end may be recorded: any other event
     * throws {@link HistoryFullException} instead, on whichever path of the execution tries to record it.
     */
    long record(Track track, String type, ObjectNode details) {
        synchronized (lock) {
            boolean end = type.startsWith("Execution") && !type.equals("ExecutionStarted");
            if (!end && (full || lastId + 1 >= Quotas.HISTORY_EVENTS)) {
                full = true;
                throw new HistoryFullException();
            }
            long id = ++lastId;
            HistoryEvent event = new HistoryEvent(id, track.lastEventId, type, options.clock().instant(), details);
            track.lastEventId = id;
            events.add(event);
            options.listener().onEvent(event);
            return id;
        }
    }

    /** The events recorded so far, in id order. */
    List<HistoryEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** The details of a failure event: {@code error} and {@code cause}, each left out when null. */
    static ObjectNode errorDetails(String error, String cause) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        if (error != null) {
            d.put("error", error);
        }
        if (cause != null) {
            d.put("cause", cause);
        }
        return d;
    }
}
