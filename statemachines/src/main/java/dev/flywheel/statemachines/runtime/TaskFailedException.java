package dev.flywheel.statemachines.runtime;

import java.util.Objects;

/**
 * Thrown by a {@link TaskInvoker} or {@link TaskTokenWaiter} to report a task failure with a Step Functions error
 * name, which {@code Retry} and {@code Catch} match through {@code ErrorEquals}.
 *
 * <p>Any other {@link RuntimeException} escaping an invoker is reported as {@code States.TaskFailed} with the
 * exception's message as the cause: the interpreter does not guess an error name from a class it does not own.
 * An invoker that wants AWS Lambda's behaviour (error name = the exception's simple class name, e.g.
 * {@code DataValidationException}) wraps the exception with {@link #of(Throwable)}.
 */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final String errorCause;

    /**
     * @param error the error name, e.g. {@code DataValidationException} or {@code States.Timeout}; not blank
     * @param cause a human readable cause; may be null
     */
    public TaskFailedException(String error, String cause) {
        super(error + (cause == null ? "" : ": " + cause));
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("error name must not be blank");
        }
        this.error = error;
        this.errorCause = cause;
    }

    /** Wraps a throwable the way AWS Lambda reports it: error = simple class name, cause = message. */
    public static TaskFailedException of(Throwable throwable) {
        Objects.requireNonNull(throwable, "throwable");
        if (throwable instanceof TaskFailedException failed) {
            return failed;
        }
        TaskFailedException wrapped = new TaskFailedException(throwable.getClass().getSimpleName(), throwable.getMessage());
        wrapped.initCause(throwable);
        return wrapped;
    }

    /** The Step Functions error name. */
    public String error() {
        return error;
    }

    /** The error cause (free text); may be null. */
    public String cause() {
        return errorCause;
    }
}
