package dev.flywheel.cli.runtime;

/**
 * Receives every history event as it is recorded, for progress display and persistence. Calls are serialized (never
 * concurrent) and come in event id order, from whichever thread recorded the event; keep them short.
 */
@FunctionalInterface
public interface ExecutionListener {
    void onEvent(HistoryEvent event);

    static ExecutionListener none() {
        return event -> { };
    }
}
