package dev.flywheel.statemachines.runtime;

/** Stops the sibling iterations or branches of a failed one at their next state transition. */
final class Cancellation {
    private final Cancellation parent;
    private volatile boolean cancelled;

    Cancellation(Cancellation parent) {
        this.parent = parent;
    }

    void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled || (parent != null && parent.isCancelled());
    }
}
