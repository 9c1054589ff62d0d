package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Waits for the outcome of a {@code .waitForTaskToken} task, like {@code SendTaskSuccess}/{@code SendTaskFailure}.
 */
@FunctionalInterface
public interface TaskTokenWaiter {
    /**
     * @param token              the token handed to the invoker and exposed as {@code $$.Task.Token}
     * @param heartbeatOrTimeout the state's {@code HeartbeatSeconds}, else its {@code TimeoutSeconds}, else null
     * @return the task output sent with the token
     * @throws TaskFailedException for a task failure ({@code States.HeartbeatTimeout} for a missed heartbeat)
     */
    JsonNode await(String token, Duration heartbeatOrTimeout);
}
