package dev.flywheel.statemachines.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.registry.Registries;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.InvalidDefinitionException;
import dev.flywheel.statemachines.runtime.StateMachine;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arn:aws:states:::states:startExecution} (.sync:2, .sync, and without waiting) in the embedded runtime: the
 * child is a registered state machine, run as an execution of its own and recorded as such.
 */
class LocalStartExecutionTest {
    @TempDir
    Path home;
    private Registries registries;

    @BeforeEach
    void open() {
        registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        registries.close();
    }

    private static final String CHILD = """
            {"StartAt": "Check", "States": {
              "Check": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "IsPresent": true, "Next": "Boom"}],
                "Default": "Done"},
              "Boom": {"Type": "Fail", "Error": "DriftTooHigh", "Cause": "psi 0.4 > 0.2"},
              "Done": {"Type": "Pass", "Parameters": {"trained.$": "$.model",
                "startedBy.$": "$.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID", "me.$": "$$.Execution.Id"},
                "End": true}}}""";

    private static String parent(String resource, String input) {
        return """
                {"StartAt": "Retrain", "States": {"Retrain": {"Type": "Task", "Resource": "%s",
                  "Parameters": {"StateMachineArn": "${TrainingPipelineArn}", "Input": %s},
                  "End": true}}}""".formatted(resource, input);
    }

    private static final String INPUT = """
            {"model.$": "$.model", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}""";

    private LocalRuntime runtime() {
        return new LocalRuntime(new LocalFunctions(), registries.executions(), Clock.systemUTC(), d -> { })
                .withStateMachine("training-pipeline", CHILD);
    }

    private ExecutionRecord childOf(ExecutionResult parent) {
        List<ExecutionRecord> children = registries.executions().list(0).stream()
                .filter(e -> !e.id().equals(parent.executionId())).toList();
        assertThat(children).hasSize(1);
        return registries.executions().get(children.get(0).id());
    }

    @Test
    void sync2_runsTheChildAsItsOwnRecordedExecutionAndReturnsItsDescriptionWithJson() {
        LocalRuntime runtime = runtime();
        assertThat(runtime.substitute("${TrainingPipelineArn}"))
                .isEqualTo("arn:aws:states:local:000000000000:stateMachine:flywheel-training-pipeline")
                .isEqualTo(LocalRuntime.stateMachineArn("training-pipeline"));

        ExecutionResult result = runtime.run("drift-monitor",
                parent("arn:aws:states:::states:startExecution.sync:2", INPUT), Json.tree("{\"model\":\"credit\"}"),
                ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        ExecutionRecord child = childOf(result);
        assertThat(child.stateMachine()).isEqualTo("training-pipeline");
        assertThat(child.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(child.events()).extracting(ExecutionEvent::type)
                .startsWith("ExecutionStarted").endsWith("ExecutionSucceeded");
        String parentArn = "arn:aws:states:local:000000000000:execution:drift-monitor:" + result.executionId();
        String childArn = "arn:aws:states:local:000000000000:execution:training-pipeline:" + child.id();
        assertThat(child.input()).isEqualTo(Json.tree(
                "{\"model\":\"credit\",\"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID\":\"" + parentArn + "\"}"));

        JsonNode out = result.output();
        assertThat(out.get("ExecutionArn").asText()).isEqualTo(childArn);
        assertThat(out.get("StateMachineArn").asText()).isEqualTo(LocalRuntime.stateMachineArn("training-pipeline"));
        assertThat(out.get("Name").asText()).isEqualTo(child.id());
        assertThat(out.get("Status").asText()).isEqualTo("SUCCEEDED");
        assertThat(out.get("Input")).isEqualTo(child.input());
        assertThat(out.get("Output")).isEqualTo(Json.tree("{\"trained\":\"credit\",\"startedBy\":\"" + parentArn
                + "\",\"me\":\"" + childArn + "\"}"));
        assertThat(out.get("Output")).isEqualTo(child.output());
        assertThat(out.at("/InputDetails/Included").asBoolean()).isTrue();
        assertThat(out.get("StartDate").asLong()).isEqualTo(child.startedAt().toEpochMilli());
        assertThat(out.get("StopDate").isIntegralNumber()).isTrue();
        assertThat(out.has("Error")).isFalse();
    }

    @Test
    void sync_givesInputAndOutputAsStrings_andTakesAStringInputAndAName() {
        ExecutionResult result = runtime().run("drift-monitor", """
                {"StartAt": "Retrain", "States": {"Retrain": {"Type": "Task",
                  "Resource": "arn:aws:states:::states:startExecution.sync",
                  "Parameters": {"StateMachineArn": "${TrainingPipelineArn}", "Name": "retrain-credit-1",
                    "Input": "{\\"model\\": \\"credit\\", \\"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID\\": \\"p\\"}"},
                  "End": true}}}""", Json.object(), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().get("Output").isTextual()).isTrue();
        assertThat(Json.tree(result.output().get("Output").asText()).get("trained").asText()).isEqualTo("credit");
        assertThat(result.output().get("Input").isTextual()).isTrue();
        assertThat(result.output().get("Name").asText()).isEqualTo("retrain-credit-1");
        assertThat(registries.executions().get("retrain-credit-1").status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        ExecutionResult again = runtime().run("drift-monitor", """
                {"StartAt": "Retrain", "States": {"Retrain": {"Type": "Task",
                  "Resource": "arn:aws:states:::states:startExecution.sync",
                  "Parameters": {"StateMachineArn": "${TrainingPipelineArn}", "Name": "retrain-credit-1"},
                  "End": true}}}""", Json.object(), ExecutionListener.none());
        assertThat(again.error()).isEqualTo("StepFunctions.ExecutionAlreadyExistsException");
    }

    @Test
    void failedChild_failsTheTaskWithStatesTaskFailedAndTheChildsErrorInTheCause_andIsRecordedFailed() {
        String parent = """
                {"StartAt": "Retrain", "States": {"Retrain": {"Type": "Task",
                  "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": "${TrainingPipelineArn}", "Input": {"fail": true}},
                  "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure", "Next": "Caught"}],
                  "End": true}, "Caught": {"Type": "Pass", "End": true}}}""";

        ExecutionResult result = runtime().run("drift-monitor", parent, Json.object(), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().at("/failure/Error").asText()).isEqualTo("States.TaskFailed");
        JsonNode cause = Json.tree(result.output().at("/failure/Cause").asText());
        assertThat(cause.get("Status").asText()).isEqualTo("FAILED");
        assertThat(cause.get("Error").asText()).isEqualTo("DriftTooHigh");
        assertThat(cause.get("Cause").asText()).isEqualTo("psi 0.4 > 0.2");
        assertThat(cause.has("Output")).isFalse();
        ExecutionRecord child = childOf(result);
        assertThat(child.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(child.error()).isEqualTo("DriftTooHigh");
        assertThat(cause.get("ExecutionArn").asText()).endsWith(":" + child.id());
        assertThat(registries.executions().get(result.executionId()).events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("TaskFailed");
            assertThat(e.details().get("error").asText()).isEqualTo("States.TaskFailed");
        });
    }

    @Test
    void unknownStateMachine_failsAsStepFunctionsDoes_andStartsNothing() {
        ExecutionResult result = runtime().run("drift-monitor", """
                {"StartAt": "Retrain", "States": {"Retrain": {"Type": "Task",
                  "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:flywheel-nope"},
                  "End": true}}}""", Json.object(), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("StepFunctions.StateMachineDoesNotExistException");
        assertThat(result.cause()).contains("flywheel-nope").contains("flywheel-training-pipeline");
        assertThat(registries.executions().list(0)).hasSize(1);
    }

    @Test
    void startExecutionWithoutWaiting_returnsAtOnce_andTheChildIsAwaited() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LocalFunctions functions = new LocalFunctions().add("Slow", () -> (in, out, context) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("{\"slow\":true}".getBytes());
        });
        LocalRuntime runtime = new LocalRuntime(functions, registries.executions(), Clock.systemUTC(), d -> { })
                .withStateMachine("slow-job", """
                        {"StartAt": "Work", "States": {"Work": {"Type": "Task",
                          "Resource": "arn:aws:states:::lambda:invoke",
                          "Parameters": {"FunctionName": "${SlowFunctionArn}"}, "OutputPath": "$.Payload",
                          "End": true}}}""");

        ExecutionResult result = runtime.run("drift-monitor", """
                {"StartAt": "Start", "States": {"Start": {"Type": "Task",
                  "Resource": "arn:aws:states:::states:startExecution",
                  "Parameters": {"StateMachineArn": "${SlowJobArn}", "Input": {}}, "End": true}}}""",
                Json.object(), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().fieldNames()).toIterable().containsExactly("ExecutionArn", "StartDate");
        String childId = result.output().get("ExecutionArn").asText().replaceAll(".*:", "");
        assertThat(registries.executions().get(childId).status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(runtime.awaitStartedExecutions(Duration.ofMillis(50))).isFalse();

        release.countDown();
        assertThat(runtime.awaitStartedExecutions(Duration.ofSeconds(20))).isTrue();
        ExecutionRecord child = registries.executions().get(childId);
        assertThat(child.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(child.output()).isEqualTo(Json.tree("{\"slow\":true}"));
    }

    @Test
    void registration_checksTheDefinition_andTheTrainingPipelineIsStillAccepted() throws Exception {
        LocalRuntime runtime = new LocalRuntime(new LocalFunctions(), registries.executions(), Clock.systemUTC(),
                d -> { });
        assertThatThrownBy(() -> runtime.withStateMachine("broken", "{\"StartAt\": \"A\", \"States\": {}}"))
                .isInstanceOf(InvalidDefinitionException.class);
        assertThat(runtime.substitute("${BrokenArn}")).isEqualTo("${BrokenArn}");
        assertThatThrownBy(() -> runtime.withStateMachine("bad name", CHILD))
                .isInstanceOf(IllegalArgumentException.class);

        Path definitions = Path.of(System.getProperty("flywheel.definitionsDir", "src/main/resources/statemachines"));
        String training = Files.readString(definitions.resolve("training-pipeline.asl.json"));
        runtime.withStateMachine("training-pipeline", training);
        assertThat(LocalRuntime.stateMachinePlaceholder("training-pipeline")).isEqualTo("TrainingPipelineArn");
        assertThat(LocalRuntime.stateMachinePlaceholder("drift_monitor")).isEqualTo("DriftMonitorArn");
        StateMachine parsed = StateMachine.parse(runtime.substitute(training));
        assertThat(parsed.stateNames()).contains("Failed");
    }
}
