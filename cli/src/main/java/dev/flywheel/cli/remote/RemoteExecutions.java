package dev.flywheel.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The executions of a deployed Flywheel, as the CLI drives them: start one, read it and its history, stop it, list a
 * state machine's executions, answer a task token. The one port between the commands and Step Functions
 * ({@link StepFunctionsExecutions} is its adapter); events come in the API's own JSON shape
 * ({@code {id, previousEventId, type, timestamp, <type>EventDetails}}), which {@link StepFunctionsHistory} reads.
 */
public interface RemoteExecutions extends AutoCloseable {
    /** The longest cause Step Functions takes (StopExecution, SendTaskFailure), in characters. */
    int MAX_CAUSE = 32_768;
    /** The longest task output Step Functions takes (SendTaskSuccess), in bytes of UTF-8. */
    int MAX_OUTPUT = 262_144;

    /**
     * Starts an execution.
     *
     * @param name  the execution's name (unique per state machine for 90 days)
     * @param input the execution input, JSON text
     * @return the execution ARN
     */
    String start(String stateMachineArn, String name, String input);

    /** @throws dev.flywheel.registry.NotFoundException when there is no such execution */
    Execution describe(String executionArn);

    /** One page of an execution's history, oldest first; {@code nextToken} null for the first page. */
    Page<JsonNode> history(String executionArn, String nextToken);

    /** One page of a state machine's executions, newest first; {@code nextToken} null for the first page. */
    Page<Execution> list(String stateMachineArn, int maxResults, String nextToken);

    /**
     * Stops an execution (StopExecution); Step Functions records it as ABORTED with {@code error} and {@code cause}
     * (either may be null). Step Functions does not refuse an execution that has ended already: look first.
     *
     * @return when it stopped
     * @throws dev.flywheel.registry.NotFoundException when there is no such execution
     */
    Instant stop(String executionArn, String error, String cause);

    /** @throws TaskTokenRejectedException when Step Functions refuses the token */
    void sendTaskSuccess(String taskToken, String output);

    /** @throws TaskTokenRejectedException when Step Functions refuses the token */
    void sendTaskFailure(String taskToken, String error, String cause);

    @Override
    void close();

    /** A page and the token of the next one (null on the last page). */
    record Page<T>(List<T> items, String nextToken) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /**
     * An execution as Step Functions describes it. {@code input}, {@code output}, {@code error} and {@code cause}
     * are null in a listing (ListExecutions does not give them) and where Step Functions has none.
     *
     * @param status Step Functions' status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE
     */
    record Execution(String executionArn, String name, String stateMachineArn, String status, String input,
                     String output, String error, String cause, Instant startedAt, Instant stoppedAt) {
    }
}
