package dev.flywheel.statemachines.runtime;

import dev.flywheel.logging.WorkProgress;

/**
 * Receives every history event as it is recorded, for progress display and persistence. Calls are serialized (never
 * concurrent) and come in event id order, from whichever thread recorded the event; keep them short.
 */
@FunctionalInterface
public interface ExecutionListener {
    void onEvent(HistoryEvent event);

    /**
     * Where a step that runs in this process reports how far it has come (rows read, boosting rounds): nowhere,
     * unless the listener shows it.
     *
     * @param step the state's name, with the Map item when there is one ("Train item 2")
     */
    default WorkProgress stepProgress(String step) {
        return WorkProgress.NONE;
    }

    static ExecutionListener none() {
        return event -> { };
    }
}
