package dev.flywheel.cli.runtime;

/** An error raised while running a state, carrying its Step Functions error name. Internal to the interpreter. */
final class StatesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final String errorCause;

    StatesException(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
    }

    static StatesException runtime(String cause) {
        return new StatesException(StatesErrors.RUNTIME, cause);
    }

    static StatesException intrinsic(String cause) {
        return new StatesException(StatesErrors.INTRINSIC_FAILURE, cause);
    }

    String error() {
        return error;
    }

    String cause() {
        return errorCause;
    }
}
