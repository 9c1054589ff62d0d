package dev.flywheel.statemachines.runtime;

/**
 * The history reached {@link Quotas#HISTORY_EVENTS} with an event other than the execution's end: unwinds every
 * path of the execution (no Retry or Catch sees it) so that the last event can be ExecutionFailed.
 */
final class HistoryFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HistoryFullException() {
        super("The execution reached the maximum number of history events (" + Quotas.HISTORY_EVENTS + ").",
                null, false, false);
    }
}
