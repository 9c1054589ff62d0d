package dev.flywheel.statemachines.runtime;

/** An error raised while running a state, carrying its Step Functions error name. Internal to the interpreter. */
final class StatesException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final String TOO_LARGE = "' returned a result with a size exceeding the maximum number of bytes "
            + "service limit.";

    private final String error;
    private final String errorCause;
    private final boolean terminal;

    StatesException(String error, String cause) {
        this(error, cause, false);
    }

    private StatesException(String error, String cause, boolean terminal) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
        this.terminal = terminal;
    }

    static StatesException runtime(String cause) {
        return new StatesException(StatesErrors.RUNTIME, cause);
    }

    static StatesException intrinsic(String cause) {
        return new StatesException(StatesErrors.INTRINSIC_FAILURE, cause);
    }

    /**
     * A state's output (or its input after Parameters processing) over {@link Quotas#PAYLOAD_BYTES}: a terminal
     * {@code States.DataLimitExceeded} that no Retry, Catch or tolerated-failure threshold handles.
     */
    static StatesException stateDataLimitExceeded(String stateName) {
        return new StatesException(StatesErrors.DATA_LIMIT_EXCEEDED, "The state/task '" + stateName + TOO_LARGE, true);
    }

    /** The cause Step Functions gives when a task's result is over {@link Quotas#PAYLOAD_BYTES}. */
    static String taskResultTooLarge(String resource) {
        return "The state/task '" + resource + TOO_LARGE;
    }

    String error() {
        return error;
    }

    String cause() {
        return errorCause;
    }

    /**
     * Whether the error fails the execution whatever the state's Retry, Catch or failure tolerance say, beyond the
     * errors that {@link StatesErrors#matches} never matches by name.
     */
    boolean terminal() {
        return terminal;
    }
}
