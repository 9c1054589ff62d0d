package dev.flywheel.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.registry.NotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Step Functions as a test sets it up: one execution, described as given, with its history in one page; the calls
 * are recorded, and what a test has not set up (starting, listing, answering tokens) is refused.
 */
public class StubExecutions implements RemoteExecutions {
    public final List<String> calls = new ArrayList<>();
    private final Execution execution;
    private final List<JsonNode> history = new ArrayList<>();

    /** @param history the execution's events, in the API's JSON */
    public StubExecutions(Execution execution, JsonNode history) {
        this.execution = execution;
        history.forEach(this.history::add);
    }

    /** An execution ended with {@code status}, {@code error} and {@code cause}, as DescribeExecution gives it. */
    public static Execution ended(String executionArn, String stateMachineArn, String status, String input,
                                  String error, String cause) {
        return new Execution(executionArn, executionArn.substring(executionArn.lastIndexOf(':') + 1),
                stateMachineArn, status, input, null, error, cause, Instant.parse("2025-01-01T12:00:00Z"),
                Instant.parse("2025-01-01T12:01:30Z"));
    }

    @Override
    public String start(String stateMachineArn, String name, String input) {
        throw new UnsupportedOperationException("start");
    }

    @Override
    public Execution describe(String executionArn) {
        calls.add("describe");
        if (!executionArn.equals(execution.executionArn())) {
            throw new NotFoundException("no execution " + executionArn + " in Step Functions");
        }
        return execution;
    }

    @Override
    public Page<JsonNode> history(String executionArn, String nextToken) {
        calls.add("history");
        return new Page<>(history, null);
    }

    @Override
    public Page<Execution> list(String stateMachineArn, int maxResults, String nextToken) {
        throw new UnsupportedOperationException("list");
    }

    @Override
    public Instant stop(String executionArn, String error, String cause) {
        throw new UnsupportedOperationException("stop");
    }

    @Override
    public void sendTaskSuccess(String taskToken, String output) {
        throw new UnsupportedOperationException("sendTaskSuccess");
    }

    @Override
    public void sendTaskFailure(String taskToken, String error, String cause) {
        throw new UnsupportedOperationException("sendTaskFailure");
    }

    @Override
    public void close() {
    }
}
