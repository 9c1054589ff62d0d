package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the work behind a Task state's {@code Resource}.
 *
 * <p>Returns the raw task result (before {@code ResultSelector}/{@code ResultPath}). To fail with an error name
 * that {@code Retry}/{@code Catch} can match, throw {@link TaskFailedException}; any other runtime exception is
 * reported as {@code States.TaskFailed} with its message as cause (see {@link TaskFailedException#of(Throwable)}
 * to report the exception's simple class name instead). For {@code .waitForTaskToken} resources the return value
 * is ignored and the outcome comes from the {@link TaskTokenWaiter}. May be called from several threads at once
 * (Map and Parallel states).
 */
@FunctionalInterface
public interface TaskInvoker {
    JsonNode invoke(TaskRequest request);
}
