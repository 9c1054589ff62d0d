package dev.flywheel.statemachines.runtime;

import dev.flywheel.domain.ExecutionStatus;
import java.util.concurrent.CancellationException;

/** How an execution ended: its status, error and cause, and the type of the event that records the end. */
record ExecutionEnd(ExecutionStatus status, String event, String error, String cause) {
    /** The end of an execution that {@code e} stopped. */
    static ExecutionEnd of(RuntimeException e, String executionName) {
        if (e instanceof StatesException failed) {
            return new ExecutionEnd(ExecutionStatus.FAILED, "ExecutionFailed", failed.error(), failed.cause());
        }
        if (e instanceof ExecutionTimedOutException) {
            return new ExecutionEnd(ExecutionStatus.TIMED_OUT, "ExecutionTimedOut", StatesErrors.TIMEOUT,
                    e.getMessage());
        }
        if (e instanceof HistoryFullException) {
            return new ExecutionEnd(ExecutionStatus.FAILED, "ExecutionFailed", StatesErrors.RUNTIME, e.getMessage());
        }
        if (e instanceof CancellationException || e instanceof ScopeCancelledException) {
            return new ExecutionEnd(ExecutionStatus.ABORTED, "ExecutionAborted", "States.Aborted",
                    "The execution was interrupted");
        }
        Interpreter.LOG.warn("Execution failed on an unexpected exception [executionName={}]", executionName, e);
        return new ExecutionEnd(ExecutionStatus.FAILED, "ExecutionFailed", StatesErrors.RUNTIME, e.toString());
    }
}
