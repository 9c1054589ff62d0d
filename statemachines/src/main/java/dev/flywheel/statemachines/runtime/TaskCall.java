package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt's call of a task: the invoker, then for a {@code .waitForTaskToken} resource the token waiter, both
 * within the task timeout (measured on the wall clock from the call's start, scaled by
 * {@link ExecutionOptions#taskTimeoutScale()}) and the execution deadline. Failures come back as
 * TaskFailedException.
 */
final class TaskCall {
    private final ExecutionRun execution;
    private final String resource;
    private final Integer timeoutSeconds;
    private final long timeoutNanos;
    private final long startNanos;

    /** Starts the task's timeout. */
    TaskCall(ExecutionRun execution, String resource, Integer timeoutSeconds, Duration timeout) {
        this.execution = execution;
        this.resource = resource;
        this.timeoutSeconds = timeoutSeconds;
        this.timeoutNanos = timeout == null ? -1
                : Math.max(1, (long) (timeout.toNanos() * execution.options().taskTimeoutScale()));
        this.startNanos = System.nanoTime();
    }

    /**
     * Returns the task result (a JSON null for none).
     *
     * @param wait what the token waiter is given: HeartbeatSeconds, else the task timeout, else null
     */
    JsonNode run(TaskRequest request, Track track, Duration wait) {
        JsonNode invoked = checkTaskResult(timed(() -> execution.invoker().invoke(request)));
        String token = request.taskToken();
        if (token != null) {
            ObjectNode submitted = JsonNodeFactory.instance.objectNode();
            submitted.put("resource", resource);
            submitted.set("output", invoked == null ? NullNode.getInstance() : invoked);
            execution.history().record(track, "TaskSubmitted", submitted);
            TaskTokenWaiter waiter = execution.options().taskTokenWaiter();
            if (waiter == null) {
                throw new TaskFailedException(StatesErrors.TASK_FAILED, "Resource " + resource
                        + " waits for a task token but no TaskTokenWaiter was configured");
            }
            invoked = checkTaskResult(timed(() -> waiter.await(token, wait)));
        }
        return invoked == null ? NullNode.getInstance() : invoked;
    }

    /**
     * A task result over the payload quota is a task failure, {@code States.DataLimitExceeded}, recorded as
     * TaskFailed and offered to Retry and Catch: AWS behaves so (a Catch on the name or on {@code States.ALL}
     * handles it), with the integration's service name, or the ARN of a plain Lambda resource, in the cause.
     */
    private JsonNode checkTaskResult(JsonNode result) {
        if (Quotas.exceedsPayload(result)) {
            String service = resource.startsWith("arn:aws:states:::")
                    ? resource.substring("arn:aws:states:::".length()).split(":", 2)[0] : resource;
            throw new TaskFailedException(StatesErrors.DATA_LIMIT_EXCEEDED, StatesException.taskResultTooLarge(service));
        }
        return result;
    }

    /**
     * Runs a task call, on this thread when nothing bounds it, else on a pool thread with the tighter of the task
     * timeout and the execution deadline.
     */
    private JsonNode timed(Callable<JsonNode> call) {
        Duration untilDeadline = execution.deadline().remaining();
        if (timeoutNanos < 0 && untilDeadline == null) {
            return callTask(call);
        }
        long taskLeft = timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - startNanos);
        long executionLeft = untilDeadline == null ? Long.MAX_VALUE : Math.max(0, untilDeadline.toNanos());
        long wait = Math.max(0, Math.min(taskLeft, executionLeft));
        Future<JsonNode> future = execution.pool().submit(() -> callTask(call));
        try {
            return future.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            if (executionLeft <= taskLeft) {
                throw execution.deadline().timedOut();
            }
            throw new TaskFailedException(StatesErrors.TIMEOUT,
                    "The task did not complete within its TimeoutSeconds (" + timeoutSeconds + " s)");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a task");
        } catch (ExecutionException e) {
            throw ExecutionRun.rethrow(e.getCause());
        }
    }

    private static JsonNode callTask(Callable<JsonNode> call) {
        try {
            return call.call();
        } catch (TaskFailedException | CancellationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TaskFailedException(StatesErrors.TASK_FAILED, e.getMessage() != null ? e.getMessage()
                    : e.getClass().getName());
        } catch (Exception e) {
            throw new TaskFailedException(StatesErrors.TASK_FAILED, e.toString());
        }
    }
}
