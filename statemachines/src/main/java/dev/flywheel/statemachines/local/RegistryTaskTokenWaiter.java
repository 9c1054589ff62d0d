package dev.flywheel.statemachines.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.statemachines.runtime.Sleeper;
import dev.flywheel.statemachines.runtime.TaskFailedException;
import dev.flywheel.statemachines.runtime.TaskTokenWaiter;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.registry.ExecutionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits for a task token to be answered in the metadata store: by {@code flywheel approve TOKEN} or
 * {@code flywheel reject TOKEN} from any other process sharing the same home, like SendTaskSuccess and
 * SendTaskFailure on AWS.
 */
final class RegistryTaskTokenWaiter implements TaskTokenWaiter {
    static final Duration POLL = Duration.ofMillis(500);

    private final ExecutionRegistry executions;
    private final String executionId;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Runnable beforeWaiting;

    /** @param beforeWaiting run once before polling, e.g. to make the history (with the token) visible to others */
    RegistryTaskTokenWaiter(ExecutionRegistry executions, String executionId, Sleeper sleeper, Clock clock,
                            Runnable beforeWaiting) {
        this.executions = executions;
        this.executionId = executionId;
        this.sleeper = sleeper;
        this.clock = clock;
        this.beforeWaiting = beforeWaiting;
    }

    @Override
    public JsonNode await(String token, Duration timeout) {
        Instant deadline = timeout == null ? Instant.MAX : clock.instant().plus(timeout);
        if (executions.findTaskToken(token).isEmpty()) {
            // Step Functions keeps its tokens itself; the local runtime keeps them where other processes can answer.
            executions.createTaskToken(token, executionId, "waitForTaskToken", clock.instant());
        }
        beforeWaiting.run();
        while (true) {
            Optional<ExecutionRegistry.TaskToken> answer = executions.findTaskToken(token);
            if (answer.isPresent() && answer.get().status() == ExecutionStatus.SUCCEEDED) {
                return answer.get().output() == null ? dev.flywheel.json.Json.object() : answer.get().output();
            }
            if (answer.isPresent() && answer.get().status() == ExecutionStatus.FAILED) {
                throw new TaskFailedException(answer.get().error(), answer.get().cause());
            }
            if (clock.instant().isAfter(deadline)) {
                throw new TaskFailedException("States.Timeout", "nobody answered task token " + token + " within " + timeout);
            }
            sleeper.sleep(POLL);
        }
    }
}
