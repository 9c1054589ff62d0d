package dev.flywheel.statemachines.runtime;

/** The execution ran past the state machine's TimeoutSeconds. */
final class ExecutionTimedOutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExecutionTimedOutException(String message) {
        super(message, null, false, false);
    }
}
