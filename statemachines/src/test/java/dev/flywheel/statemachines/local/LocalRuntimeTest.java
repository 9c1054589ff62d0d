package dev.flywheel.statemachines.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.ExecutionInputTooLargeException;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.statemachines.runtime.InvalidDefinitionException;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.json.Json;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runtime end to end: definitions with ${...FunctionArn} placeholders, handlers called through
 * JSON bytes as Lambda calls them, Lambda-style error names, and the history persisted in the metadata store.
 */
class LocalRuntimeTest {
    @TempDir
    Path home;
    private Registries registries;
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void open() {
        registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        registries.close();
    }

    /** Thrown by the flaky test function, like a throttled downstream service. */
    static final class TransientException extends RuntimeException {
        TransientException(String message) {
            super(message);
        }
    }

    /** A typed, non-retryable failure, like DataValidationException. */
    static final class BadDataException extends RuntimeException {
        BadDataException(String message) {
            super(message);
        }
    }

    private LocalRuntime runtime(LocalFunctions functions) {
        return new LocalRuntime(functions, registries.executions(), Clock.systemUTC(), sleeps::add);
    }

    private static RequestStreamHandler flakyThenEcho(AtomicInteger calls, int failures) {
        return (in, out, context) -> {
            byte[] payload = in.readAllBytes();
            if (calls.incrementAndGet() <= failures) {
                throw new TransientException("attempt " + calls.get() + " throttled");
            }
            out.write(("{\"echo\":" + new String(payload, StandardCharsets.UTF_8) + ",\"attempts\":" + calls.get()
                    + ",\"function\":\"" + context.getFunctionName() + "\"}").getBytes(StandardCharsets.UTF_8));
        };
    }

    @Test
    void retryableErrorTwice_succeedsOnTheThirdAttemptAndTheHistoryShowsTheRetries() {
        AtomicInteger calls = new AtomicInteger();
        LocalFunctions functions = new LocalFunctions().add("Flaky", () -> flakyThenEcho(calls, 2));
        String definition = """
                {"StartAt": "Call", "States": {"Call": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "${FlakyFunctionArn}", "Payload.$": "$"},
                  "OutputPath": "$.Payload",
                  "Retry": [{"ErrorEquals": ["dev.flywheel.statemachines.local.LocalRuntimeTest$TransientException"],
                             "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 3}],
                  "End": true}}}""";

        ExecutionResult result = runtime(functions).run("flaky", definition, Json.tree("{\"x\":1}"), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("attempts").asInt()).isEqualTo(3);
        assertThat(result.output().path("echo").path("x").asInt()).isEqualTo(1);
        assertThat(result.output().path("function").asText()).isEqualTo("flywheel-flaky");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        ExecutionRecord stored = registries.executions().get(result.executionId());
        assertThat(stored.status()).isEqualTo(dev.flywheel.domain.ExecutionStatus.SUCCEEDED);
        assertThat(stored.events()).extracting(ExecutionEvent::type).containsSubsequence(
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskFailed", "TaskScheduled", "TaskFailed",
                "TaskScheduled", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        assertThat(stored.events()).filteredOn(e -> e.type().equals("TaskFailed"))
                .allSatisfy(e -> assertThat(e.details().path("error").asText()).endsWith("$TransientException"));
        assertThat(stored.events()).filteredOn(e -> e.details() != null && e.details().has("retry")).hasSize(2);
    }

    @Test
    void typedError_goesToItsCatchAndTheHistoryShowsIt() {
        LocalFunctions functions = new LocalFunctions().add("Validate", () -> (in, out, context) -> {
            throw new BadDataException("12% of rows are bad (limit 5%)");
        });
        String definition = """
                {"StartAt": "Validate", "States": {
                  "Validate": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "${ValidateFunctionArn}", "Payload.$": "$"},
                    "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 2}],
                    "Catch": [{"ErrorEquals": ["dev.flywheel.statemachines.local.LocalRuntimeTest$BadDataException"],
                               "ResultPath": "$.failure", "Next": "Quarantined"}],
                    "End": true},
                  "Quarantined": {"Type": "Pass", "Parameters": {"error.$": "$.failure.Error",
                    "message.$": "States.StringToJson($.failure.Cause)"}, "End": true}}}""";

        ExecutionResult result = runtime(functions).run("validate", definition, Json.tree("{}"), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("error").asText()).isEqualTo("dev.flywheel.statemachines.local.LocalRuntimeTest$BadDataException");
        assertThat(result.output().path("message").path("errorMessage").asText()).contains("12% of rows are bad");
        assertThat(sleeps).isEmpty();
        ExecutionRecord stored = registries.executions().get(result.executionId());
        assertThat(stored.events()).extracting(ExecutionEvent::type).containsSubsequence(
                "TaskScheduled", "TaskFailed", "TaskStateExited", "PassStateEntered", "ExecutionSucceeded");
        assertThat(stored.events()).anySatisfy(e -> assertThat(e.details().path("caught").path("error").asText())
                .endsWith("$BadDataException"));
    }

    @Test
    void resourceThatNamesNoneOfOurFunctions_failsClearly() {
        LocalFunctions functions = new LocalFunctions().add("Ingest", () -> (in, out, context) -> { });
        String definition = """
                {"StartAt": "Elsewhere", "States": {"Elsewhere": {
                  "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                  "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": true}}}""";
        ExecutionResult result = runtime(functions).run("other", definition, Json.tree("{}"), ExecutionListener.none());
        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.cause()).contains("cannot run the resource 'arn:aws:states:::sqs:sendMessage'");

        String unknownFunction = """
                {"StartAt": "Call", "States": {"Call": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:123:function:someone-elses"}, "End": true}}}""";
        ExecutionResult missing = runtime(functions).run("other", unknownFunction, Json.tree("{}"), ExecutionListener.none());
        assertThat(missing.error()).isEqualTo("Lambda.ResourceNotFoundException");
        assertThat(missing.cause()).contains("someone-elses");
    }

    @Test
    void waitForTaskToken_pausesUntilAnotherProcessAnswersTheToken() throws Exception {
        LocalFunctions functions = new LocalFunctions().add("Notify", () -> (in, out, context) -> out.write("{}".getBytes()));
        String definition = """
                {"StartAt": "Approve", "States": {"Approve": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters": {"FunctionName": "${NotifyFunctionArn}", "Payload": {"token.$": "$$.Task.Token"}},
                  "End": true}}}""";
        List<String> tokens = new ArrayList<>();
        LocalRuntime runtime = new LocalRuntime(functions, registries.executions(), Clock.systemUTC(), duration -> {
            // While the execution polls, "another process" answers the token it is waiting on.
            for (var execution : registries.executions().list(0)) {
                registries.executions().get(execution.id()).events().stream()
                        .filter(e -> e.type().equals("TaskScheduled"))
                        .map(e -> e.details().path("parameters").path("Payload").path("token").asText())
                        .forEach(token -> {
                            if (tokens.isEmpty()) {
                                tokens.add(token);
                                registries.executions().succeedTaskToken(token, Json.tree("{\"approved\":true}"));
                            }
                        });
            }
        });
        ExecutionResult result = runtime.run("approval", definition, Json.tree("{}"), ExecutionListener.none());
        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("approved").asBoolean()).isTrue();
        assertThat(tokens).hasSize(1);
    }

    @Test
    void mapOfThousandsOfItems_historyIsWrittenInBatchesAndReadsBackAsRecorded() {
        String definition = """
                {"StartAt": "MyMap", "States": {"MyMap": {"Type": "Map", "ItemsPath": "$.items",
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "End": true}}}""";
        ObjectNode input = Json.object();
        ArrayNode items = input.putArray("items");
        for (int i = 0; i < 3000; i++) {
            items.add(i);
        }

        ExecutionResult result = runtime(new LocalFunctions()).run("map", definition, input, ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.events()).hasSize(12_006);
        ExecutionRecord stored = registries.executions().get(result.executionId());
        assertThat(stored.events()).containsExactlyElementsOf(result.events().stream()
                .map(e -> new ExecutionEvent(e.id(), e.previousEventId(), e.type(), e.timestamp(), e.details()))
                .toList());
        assertThat(registries.table().query("EXECUTION#" + result.executionId(), "EVENT#", false, 0))
                .as("history items for 12,006 events").hasSizeLessThan(100);
    }

    @Test
    void largeStateData_isStoredOnceAlthoughEveryEventCarriesIt() {
        String definition = """
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"},
                  "C": {"Type": "Pass", "End": true}}}""";
        ObjectNode input = Json.object().put("blob", "x".repeat(200 * 1024));

        ExecutionResult result = runtime(new LocalFunctions()).run("big", definition, input, ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        ExecutionRecord stored = registries.executions().get(result.executionId());
        assertThat(stored.output()).isEqualTo(input);
        assertThat(stored.events()).filteredOn(e -> e.type().equals("PassStateExited"))
                .allSatisfy(e -> assertThat(e.details().get("output")).isEqualTo(input));
        assertThat(registries.table().query("EXECUTION#" + result.executionId(), "PAYLOAD#", false, 0))
                .as("one item for the 200 KiB carried by 8 events and the header").hasSize(1);
    }

    @Test
    void inputOver256KiB_isRefusedAndNothingIsRecorded() {
        String definition = """
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}""";
        ObjectNode input = Json.object().put("blob", "x".repeat(300 * 1024));

        assertThatThrownBy(() -> runtime(new LocalFunctions()).run("big", definition, input, ExecutionListener.none()))
                .isInstanceOf(ExecutionInputTooLargeException.class);
        assertThat(registries.executions().list(0)).isEmpty();
    }

    @Test
    void invalidPath_isRefusedAtLoadAndNothingIsRecorded() {
        String definition = """
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a[", "End": true}}}""";

        assertThatThrownBy(() -> runtime(new LocalFunctions()).run("typo", definition, Json.object(),
                ExecutionListener.none()))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("State 'A': InputPath: '$.a[' is not a valid JSONPath");
        assertThat(registries.executions().list(0)).isEmpty();
    }
}
