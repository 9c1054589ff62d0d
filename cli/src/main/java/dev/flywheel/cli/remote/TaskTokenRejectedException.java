package dev.flywheel.cli.remote;

/** Step Functions refused a task token: it names no waiting task, the task timed out, or it is not a token. */
public final class TaskTokenRejectedException extends RuntimeException {

    /** Step Functions' three refusals (TaskDoesNotExist, TaskTimedOut, InvalidToken). */
    public enum Reason { TASK_DOES_NOT_EXIST, TASK_TIMED_OUT, INVALID_TOKEN }

    private final Reason reason;

    public TaskTokenRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
