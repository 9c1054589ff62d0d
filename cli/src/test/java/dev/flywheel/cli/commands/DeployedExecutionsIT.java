package dev.flywheel.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.flywheel.cli.commands.MotoStepFunctions.config;
import static dev.flywheel.cli.commands.MotoStepFunctions.executeDefinitions;
import static dev.flywheel.cli.commands.MotoStepFunctions.requireMoto;
import static dev.flywheel.cli.commands.MotoStepFunctions.sfn;
import static dev.flywheel.cli.commands.MotoStepFunctions.stateMachine;
import static dev.flywheel.cli.commands.MotoStepFunctions.withExecutedStateMachine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.RemoteRuns;
import dev.flywheel.cli.remote.StepFunctionsExecutions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import dev.flywheel.statemachines.runtime.Sleeper;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The CLI's Step Functions client against the moto server's Step Functions API: start the training pipeline
 * (the deployed definition, placeholders bound to dummy ARNs) with an uploaded file, follow it, list and show its
 * executions; and, with moto running definitions, follow a waiting execution to its task token and answer it.
 *
 * <p>What moto 5.2.1 does, and these tests rely on: without {@code execute_state_machine} it runs nothing: an
 * execution stays RUNNING in DescribeExecution while GetExecutionHistory returns the same four fabricated events
 * (ExecutionStarted, a Pass state "A State", ExecutionSucceeded with the output "An output", not JSON), and
 * SendTaskSuccess/Failure accept any token. With {@code execute_state_machine} (its LocalStack-derived
 * interpreter) it runs Pass, Map and {@code sqs:sendMessage.waitForTaskToken} states with a real history and
 * answers an unknown or already answered token with InvalidToken (AWS says TaskDoesNotExist for the latter; that
 * mapping is tested against served errors in StepFunctionsExecutionsTest). Lambda tasks it cannot run without
 * Docker, so the waiting state here sends its token to an SQS queue instead of the approval function.
 */
@ExtendWith(AwsEmulatorExtension.class)
class DeployedExecutionsIT {
    private static final Path CREDIT_G = Path.of("../examples/credit-g/credit-g.csv");

    /** The deployed definition with every ${...} placeholder bound to a dummy ARN. */
    private static String trainingDefinition() {
        return PipelineRunner.definition().replaceAll("\\$\\{([A-Za-z]+)}",
                "arn:aws:lambda:us-east-1:123456789012:function:$1");
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }

    @Test
    void startsTheTrainingPipelineWithAnUploadedFile_followsIt_listsAndShowsIt(AwsEmulator emulator) throws Exception {
        requireMoto(emulator);
        executeDefinitions(emulator, false);
        String bucket = "flywheel-" + UUID.randomUUID();
        AwsClients.create(emulator.config(bucket, "unused")).s3().createBucket(b -> b.bucket(bucket));
        String training;
        String drift;
        try (SfnClient sfn = sfn(emulator)) {
            training = stateMachine(sfn, "flywheel-it-training", trainingDefinition());
            drift = stateMachine(sfn, "flywheel-it-drift",
                    "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}");
            sfn.startExecution(b -> b.stateMachineArn(drift).name("drift-older").input("{}"));
        }
        FlywheelConfig config = config(emulator, bucket, training, drift);
        var request = new PipelineRunner.Request(CREDIT_G, "class", "credit-risk", List.of("foreign_worker"),
                List.of(), List.of("?"), null, 2, true, 7);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();

        try (RemoteExecutions remote = StepFunctionsExecutions.create(config);
             var stores = AwsStores.open(config, Clock.systemUTC())) {
            ArtifactStore artifacts = stores.artifacts();
            String source = RemoteRuns.source(CREDIT_G.toString(), artifacts);
            String executionArn = RemoteRuns.startTraining(remote, training, request, source);
            ExecutionResult result = RemoteRuns.follow(remote, executionArn,
                    new Progress(new PrintStream(lines, true, StandardCharsets.UTF_8)), Sleeper.system());

            // The data went to the bucket, content-addressed, and the execution got the local run's input with it.
            String sha = sha256(CREDIT_G);
            assertThat(source).isEqualTo("s3://" + bucket + "/uploads/" + sha + "/credit-g.csv");
            assertThat(artifacts.stat("uploads/" + sha + "/credit-g.csv")).get()
                    .satisfies(a -> assertThat(a.sha256()).isEqualTo(sha));
            RemoteExecutions.Execution described = remote.describe(executionArn);
            JsonNode input = Json.tree(described.input());
            assertThat(input).isEqualTo(Json.tree(Json.write(PipelineRunner.input(request, source))));
            assertThat(input.path("ingest").path("source").asText()).isEqualTo(source);
            assertThat(input.path("ingest").path("dataset").asText()).isEqualTo("credit-g");
            assertThat(input.path("requireApproval").asBoolean()).isTrue();
            assertThat(described.name()).matches("cli-\\d{8}T\\d{6}Z-[0-9a-f]{8}");
            assertThat(described.status()).as("moto runs nothing").isEqualTo("RUNNING");

            // Followed to the end its (fabricated) history gives, as a local run ends.
            assertThat(result.executionId()).isEqualTo(executionArn);
            assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.eventTypes()).containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited",
                    "ExecutionSucceeded");
            assertThat(result.output().asText()).isEqualTo("An output");
            assertThat(lines.toString(StandardCharsets.UTF_8)).as("a Pass state is quiet, as locally").isEmpty();
            var summary = PipelineCommand.summary(result, 1.0);
            assertThat(summary.path("executionId").asText()).isEqualTo(executionArn);
            assertThat(summary.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(summary.path("promoted").asBoolean()).isFalse();

            // executions list: both state machines, newest first; show by name and by ARN.
            List<RemoteExecutions.Execution> listed = DeployedExecutions.list(remote, config, 10);
            assertThat(listed).extracting(RemoteExecutions.Execution::name)
                    .containsExactly(described.name(), "drift-older");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DeployedExecutions.printList(remote, config, 10, false, new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("EXECUTION", described.name(), "drift-older",
                    training.substring(training.lastIndexOf(':') + 1), "RUNNING");
            assertThat(DeployedExecutions.list(remote, config, 1)).hasSize(1);

            out.reset();
            DeployedExecutions.printShow(remote, config, described.name(), true,
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            JsonNode shown = Json.tree(out.toString(StandardCharsets.UTF_8));
            assertThat(shown.path("executionArn").asText()).isEqualTo(executionArn);
            assertThat(shown.path("input").path("model").asText()).isEqualTo("credit-risk");
            assertThat(shown.path("events")).extracting(e -> e.path("type").asText()).contains("PassStateEntered");
            out.reset();
            DeployedExecutions.printShow(remote, config, "drift-older", false,
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains(":execution:", "drift-older", "ExecutionStarted");
            assertThatThrownBy(() -> DeployedExecutions.find(remote, config, "no-such-execution"))
                    .isInstanceOf(dev.flywheel.registry.NotFoundException.class)
                    .hasMessageContaining("no execution named 'no-such-execution'");

            // moto without definitions accepts any token: nothing to refuse here (see the other test).
            assertThat(DeployedExecutions.approve(remote, "any-token", "ok").path("output").path("approved")
                    .asBoolean()).isTrue();
        }
    }

    @Test
    void followsAWaitingExecutionToItsToken_approvesIt_andRefusesAnAnsweredOrUnknownToken(AwsEmulator emulator)
            throws Exception {
        requireMoto(emulator);
        String queue = "flywheel-it-" + UUID.randomUUID();
        MotoStepFunctions.createQueue(emulator, queue);
        String definition = """
                {"StartAt": "Defaults", "States": {
                  "Defaults": {"Type": "Pass", "Result": {"items": [1, 2, 3]}, "Next": "TrainCandidates"},
                  "TrainCandidates": {"Type": "Map", "ItemsPath": "$.items",
                    "ItemProcessor": {"StartAt": "Train", "States": {"Train": {"Type": "Pass", "End": true}}},
                    "ResultPath": null, "Next": "WaitForApproval"},
                  "WaitForApproval": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/QUEUE",
                      "MessageBody": {"taskToken.$": "$$.Task.Token"}}, "End": true}}}"""
                .replace("QUEUE", queue);
        withExecutedStateMachine(emulator, "flywheel-it-waiting", definition, (sfn, machine) -> {
            FlywheelConfig config = config(emulator, "unused", machine, null);
            ByteArrayOutputStream lines = new ByteArrayOutputStream();

            try (RemoteExecutions remote = StepFunctionsExecutions.create(config)) {
                String executionArn = remote.start(machine, RemoteRuns.executionName(Instant.now()), "{}");
                CompletableFuture<ExecutionResult> followed = CompletableFuture.supplyAsync(() -> RemoteRuns.follow(
                        remote, executionArn, new Progress(new PrintStream(lines, true, StandardCharsets.UTF_8)),
                        Sleeper.system()));
                String token = waitForToken(remote, executionArn);
                ByteArrayOutputStream shown = new ByteArrayOutputStream();
                DeployedExecutions.printShow(remote, config, executionArn, false,
                        new PrintStream(shown, true, StandardCharsets.UTF_8));
                assertThat(shown.toString(StandardCharsets.UTF_8))
                        .contains("RUNNING", "waiting for approval: flywheel approve " + token, "MapIterationSucceeded");

                JsonNode answered = DeployedExecutions.approve(remote, token, "looks good");
                ExecutionResult result = followed.get(60, TimeUnit.SECONDS);

                JsonNode approval = Json.tree("{\"approved\":true,\"comment\":\"looks good\"}");
                assertThat(answered.path("output")).isEqualTo(approval);
                assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(result.output()).isEqualTo(approval);
                List<String> printed = lines.toString(StandardCharsets.UTF_8).lines().toList();
                assertThat(printed.get(0)).isEqualTo("  → TrainCandidates");
                assertThat(printed).contains("    · Map TrainCandidates: 3 of 3 items", "  → WaitForApproval",
                        "  ⏸ waiting for approval: run `flywheel approve " + token + "` (or `flywheel reject " + token
                                + " --reason \"...\"`)");
                assertThat(printed).anyMatch(l -> l.matches("  ✓ TrainCandidates \\(\\d+\\.\\d s\\)"))
                        .anyMatch(l -> l.matches("  ✓ WaitForApproval \\(\\d+\\.\\d s\\)"));
                assertThat(result.events()).extracting(HistoryEvent::type).endsWith("ExecutionSucceeded");

                // Answered already, or never a token: moto says InvalidToken; one line says what to do.
                assertThatThrownBy(() -> DeployedExecutions.approve(remote, token, "again"))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is not a task token of this account and region")
                        .hasMessageContaining("flywheel executions show ID");
                assertThatThrownBy(() -> DeployedExecutions.reject(remote, "not-a-token", "no"))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("'not-a-token' is not a task token");
            }
        });
    }

    private static String waitForToken(RemoteExecutions remote, String executionArn) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            Optional<String> token = DeployedExecutions.waitingToken(DeployedExecutions.history(remote, executionArn));
            if (token.isPresent()) {
                return token.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no task token in the history of " + executionArn + " after 30 s");
    }
}
