package dev.flywheel.cli.commands;

import static dev.flywheel.cli.commands.MotoStepFunctions.environment;
import static dev.flywheel.cli.commands.MotoStepFunctions.executeDefinitions;
import static dev.flywheel.cli.commands.MotoStepFunctions.requireMoto;
import static dev.flywheel.cli.commands.MotoStepFunctions.sfn;
import static dev.flywheel.cli.commands.MotoStepFunctions.stateMachine;
import static dev.flywheel.cli.commands.MotoStepFunctions.waitingDefinition;
import static dev.flywheel.cli.commands.MotoStepFunctions.withExecutedStateMachine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.CliRunner;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.json.Json;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import dev.flywheel.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * {@code drift run --deployed} and {@code executions stop} as a user runs them: the {@code flywheel} command in a
 * child JVM whose environment names a deployed Flywheel on the moto server (its S3, DynamoDB and Step Functions).
 * What Step Functions got is read back through the API (DescribeExecution, ListExecutions).
 *
 * <p>moto cannot run the drift monitor's Lambda tasks, so the "drift monitor" here is a stand-in definition that
 * moto runs ({@code execute_state_machine}): a Map over three items and a Pass state whose result has the shape of
 * the monitor's output; a Fail state, as the monitor fails; a state that waits for a task token (an execution that
 * runs until it is stopped); or, with moto running nothing, executions that stay RUNNING until they are stopped.
 * The state machines whose executions moto ran are deleted after each test (see
 * {@link MotoStepFunctions#deleteStateMachines}).
 */
@ExtendWith(AwsEmulatorExtension.class)
class DeployedCommandsIT {
    private static final String TRAINING_ARN = "arn:aws:states:us-east-1:123456789012:execution:training:retrain-1";
    /** A drift monitor's output (the real definition's state names and shapes): drift, and a retraining that ran. */
    private static final String MONITOR_OUTPUT = """
            {"model": "sensors",
             "report": {"reportId": "sensors-20260102-r1", "model": "sensors", "version": 1, "verdict": "drift",
               "drifted": true, "degraded": false, "share": 0.5, "rows": 1200, "reason": "2 of 4 features drifted",
               "reportUri": "s3://bucket/drift/sensors/reports/sensors-20260102-r1/report.html",
               "jsonUri": "s3://bucket/drift/sensors/reports/sensors-20260102-r1/report.json"},
             "decided": {"value": {"action": "retrain", "decisionId": "d-1",
               "reason": "no retraining in the last 6 hours"}},
             "training": {"ExecutionArn": "TRAINING", "Status": "SUCCEEDED"}}""".replace("TRAINING", TRAINING_ARN);
    private static final String MONITOR = """
            {"StartAt": "PlanWindow", "States": {
              "PlanWindow": {"Type": "Pass", "Result": {"items": [1, 2, 3]}, "ResultPath": "$.plan",
                "Next": "ProfileCaptures"},
              "ProfileCaptures": {"Type": "Map", "ItemsPath": "$.plan.items",
                "ItemProcessor": {"StartAt": "ProfileBatch", "States": {"ProfileBatch": {"Type": "Pass", "End": true}}},
                "ResultPath": null, "Next": "Done"},
              "Done": {"Type": "Pass", "Result": OUTPUT, "End": true}}}""".replace("OUTPUT", MONITOR_OUTPUT);
    private static final String FAILING_MONITOR = """
            {"StartAt": "PlanWindow", "States": {"PlanWindow": {"Type": "Fail", "Error": "Flywheel.MonitorFailed",
              "Cause": "{\\"errorType\\": \\"dev.flywheel.registry.NotFoundException\\", \\"errorMessage\\": \\"no captures of model 'sensors' in the window\\"}"}}}""";
    private static final String PASS = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}";

    @TempDir
    Path dir;

    /** A deployed Flywheel's stores on the emulator: a bucket, a table, and the model "sensors" with a champion. */
    private record Deployment(String bucket, String table) {
    }

    private static Deployment deployment(AwsEmulator emulator) {
        Deployment deployment = new Deployment("flywheel-" + UUID.randomUUID(), "flywheel-" + UUID.randomUUID());
        AwsClients clients = AwsClients.create(emulator.config(deployment.bucket(), deployment.table()));
        clients.s3().createBucket(b -> b.bucket(deployment.bucket()));
        new DynamoDbMetadataTable(clients.dynamoDb(), deployment.table()).createTableIfMissing();
        try (Stores stores = AwsStores.open(emulator.config(deployment.bucket(), deployment.table()),
                Clock.systemUTC())) {
            ModelRegistry models = stores.registries().models();
            int version = models.register(Fixtures.model("sensors", "run-a")).version();
            models.moveAlias("sensors", "champion", version, "initial");
        }
        return deployment;
    }

    private static Map<String, String> env(AwsEmulator emulator, Deployment deployment, String training,
                                           String drift) {
        return environment(emulator, deployment.bucket(), deployment.table(), training, drift);
    }

    private Path retrainInput() throws Exception {
        return Files.writeString(dir.resolve("retrain.json"), "{\"model\": \"sensors\", \"ingest\": {\"dataset\": "
                + "\"sensors-labelled\", \"target\": \"target\"}, \"candidates\": [{\"params\": {\"max_depth\": 3}}]}");
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The one execution of {@code stateMachine}, described. */
    private static DescribeExecutionResponse onlyExecution(SfnClient sfn, String stateMachine) {
        var executions = sfn.listExecutions(b -> b.stateMachineArn(stateMachine)).executions();
        assertThat(executions).hasSize(1);
        return sfn.describeExecution(b -> b.executionArn(executions.get(0).executionArn()));
    }

    @Test
    void driftRunDeployed_startsTheDriftMonitorWithTheLocalRunsInput_andJsonPrintsItsOutcome(AwsEmulator emulator)
            throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        Path data = Files.writeString(dir.resolve("labelled.csv"), "x,target\n1,0\n2,1\n");
        withExecutedStateMachine(emulator, "flywheel-it-drift", MONITOR, (sfn, drift) -> {
            CliRunner.Result run = CliRunner.runInChild(env(emulator, deployment, null, drift), "drift", "run",
                    "sensors", "--deployed", "--since", "2026-01-01T00:00:00Z", "--until", "2026-01-02T00:00:00Z",
                    "--model-version", "1", "--cooldown-hours", "6", "--retrain-input", retrainInput().toString(),
                    "--retrain-data", data.toString(), "--json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            // What Step Functions got: the input a local run builds, the local file uploaded to the bucket first.
            DescribeExecutionResponse described = onlyExecution(sfn, drift);
            String uploaded = "s3://" + deployment.bucket() + "/uploads/" + sha256(data) + "/labelled.csv";
            assertThat(Json.tree(described.input())).isEqualTo(Json.tree("""
                    {"model": "sensors", "since": "2026-01-01T00:00:00Z", "until": "2026-01-02T00:00:00Z",
                     "version": 1, "cooldownHours": 6.0,
                     "retrain": {"pipelineInput": {"model": "sensors",
                                   "ingest": {"dataset": "sensors-labelled", "target": "target"},
                                   "candidates": [{"params": {"max_depth": 3}}]},
                                 "source": "UPLOADED"}}""".replace("UPLOADED", uploaded)));
            assertThat(described.name()).matches("cli-\\d{8}T\\d{6}Z-[0-9a-f]{8}");
            try (Stores stores = AwsStores.open(emulator.config(deployment.bucket(), deployment.table()),
                    Clock.systemUTC())) {
                assertThat(stores.artifacts().stat("uploads/" + sha256(data) + "/labelled.csv")).isPresent();
            }
            // --json: the local run's fields, read from the execution's output.
            JsonNode json = run.json();
            assertThat(json.path("executionId").asText()).isEqualTo(described.executionArn());
            assertThat(json.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(json.path("report").path("verdict").asText()).isEqualTo("drift");
            assertThat(json.path("report").path("rows").asLong()).isEqualTo(1200);
            assertThat(json.path("decision").path("action").asText()).isEqualTo("retrain");
            assertThat(json.path("training").path("ExecutionArn").asText()).isEqualTo(TRAINING_ARN);
            assertThat(json.has("error")).as("no error on success").isFalse();
            assertThat(run.err()).as("--json prints no step lines").doesNotContain("→");
        });
    }

    @Test
    void driftRunDeployed_printsTheLocalRunsStepLines_thenTheOutcomeAndWhatToRunNext(AwsEmulator emulator)
            throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        String inBucket = "s3://" + deployment.bucket() + "/incoming/labelled.csv";
        AwsClients.create(emulator.config(deployment.bucket(), deployment.table())).s3().putObject(
                b -> b.bucket(deployment.bucket()).key("incoming/labelled.csv"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("x,target\n1,0\n"));
        withExecutedStateMachine(emulator, "flywheel-it-drift", MONITOR, (sfn, drift) -> {
            CliRunner.Result run = CliRunner.runInChild(env(emulator, deployment, null, drift), "drift", "run",
                    "sensors", "--deployed", "--hours", "6", "--retrain-input", retrainInput().toString(),
                    "--retrain-data", inBucket);

            assertThat(run.exitCode()).as(run.err()).isZero();
            DescribeExecutionResponse described = onlyExecution(sfn, drift);
            String arn = described.executionArn();
            JsonNode input = Json.tree(described.input());
            assertThat(input.path("windowHours").asInt()).isEqualTo(6);
            assertThat(input.path("retrain").path("source").asText()).as("an object in the bucket is read there")
                    .isEqualTo(inBucket);
            List<String> err = run.err().lines().toList();
            assertThat(err).contains("Running the deployed drift monitor over the captures of model sensors",
                    "  execution " + arn, "  → ProfileCaptures", "    · Map ProfileCaptures: 3 of 3 items");
            assertThat(err).anyMatch(l -> l.matches("  ✓ ProfileCaptures \\(\\d+\\.\\d s\\)"))
                    .noneMatch(l -> l.startsWith("Uploaded"));
            assertThat(run.out()).contains("DRIFT (1200 rows, sensors v1)", "2 of 4 features drifted",
                    "retrain: no retraining in the last 6 hours", TRAINING_ARN + " SUCCEEDED",
                    "sensors-20260102-r1", "execution  " + arn);
            assertThat(run.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                    .isEqualTo("see: flywheel executions show " + arn);
        });
    }

    @Test
    void driftRunDeployed_aFailedMonitor_isExit1_withItsErrorAndCauseInOneLine(AwsEmulator emulator) throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        withExecutedStateMachine(emulator, "flywheel-it-drift-failing", FAILING_MONITOR, (sfn, drift) -> {
            CliRunner.Result run = CliRunner.runInChild(env(emulator, deployment, null, drift), "drift", "run",
                    "sensors", "--deployed");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            String arn = onlyExecution(sfn, drift).executionArn();
            assertThat(run.out().lines().toList()).containsExactly("FAILED  drift monitor execution " + arn
                    + ": Flywheel.MonitorFailed: no captures of model 'sensors' in the window",
                    "  see: flywheel executions show " + arn);
        });
    }

    @Test
    void driftRunDeployed_stoppedWhileFollowing_saysTheExecutionGoesOnAndHowToStopIt(AwsEmulator emulator)
            throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        String queue = "flywheel-it-" + UUID.randomUUID();
        MotoStepFunctions.createQueue(emulator, queue);
        String definition = waitingDefinition("ProfileCaptures", queue);
        withExecutedStateMachine(emulator, "flywheel-it-drift-waiting", definition, (sfn, drift) -> {
            Map<String, String> env = env(emulator, deployment, null, drift);
            Path out = dir.resolve("child.out");
            Path err = dir.resolve("child.err");
            Process child = CliRunner.startInChild(env, out, err, "drift", "run", "sensors", "--deployed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(err) && Files.readString(err).contains("  → ProfileCaptures"))) {
                assertThat(child.isAlive()).as("the child follows: " + Files.readString(err)).isTrue();
                assertThat(System.nanoTime()).as("no step line within 60 s").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(100);
            }

            child.destroy(); // SIGTERM: what Ctrl-C does to the JVM
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            String arn = onlyExecution(sfn, drift).executionArn();
            assertThat(Files.readString(err)).contains("flywheel: stopped following. The execution goes on "
                    + "running in Step Functions: `flywheel executions show " + arn + " --follow` follows it again, `flywheel "
                    + "executions stop " + arn + "` stops it.");
            assertThat(sfn.describeExecution(b -> b.executionArn(arn)).statusAsString()).isEqualTo("RUNNING");
            // Stopping it is tested on executions moto does not run: moto 5.2.1 takes StopExecution for one it
            // runs but goes on waiting for the task token (it stays RUNNING).
        });
    }

    @Test
    void driftRunDeployed_usageErrorsAndAnUnknownModel_startNothing(AwsEmulator emulator) throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        executeDefinitions(emulator, false);
        try (SfnClient sfn = sfn(emulator)) {
            String training = stateMachine(sfn, "flywheel-it-training", PASS);
            String drift = stateMachine(sfn, "flywheel-it-drift", PASS);
            Map<String, String> env = env(emulator, deployment, training, drift);

            CliRunner.Result noArn = CliRunner.runInChild(env(emulator, deployment, training, null), "drift", "run",
                    "sensors", "--deployed");
            assertThat(noArn.exitCode()).isEqualTo(2);
            assertThat(noArn.err()).contains("flywheel: " + FlywheelConfig.DRIFT_STATE_MACHINE_ARN + " must be set "
                    + "to reach the deployed drift monitor: the stack output DriftMonitorStateMachineArn")
                    .contains("Try `flywheel drift run --help`");

            CliRunner.Result badSince = CliRunner.runInChild(env, "drift", "run", "sensors", "--deployed",
                    "--since", "yesterday");
            assertThat(badSince.exitCode()).isEqualTo(2);
            assertThat(badSince.err()).contains("--since must be an ISO-8601 instant like 2026-12-01T09:00:00Z, "
                    + "got 'yesterday'");

            CliRunner.Result elsewhere = CliRunner.runInChild(env, "drift", "run", "sensors", "--deployed",
                    "--retrain-input", retrainInput().toString(), "--retrain-data", "s3://another-bucket/data.csv");
            assertThat(elsewhere.exitCode()).as(elsewhere.err()).isEqualTo(2);
            assertThat(elsewhere.err()).contains("--retrain-data s3://another-bucket/data.csv: the deployed Ingest "
                    + "reads the artifact bucket only ('s3://another-bucket/data.csv' is not in the artifact store at "
                    + "s3://" + deployment.bucket() + "/): copy the file there, or give a local file to upload");

            CliRunner.Result unknown = CliRunner.runInChild(env, "drift", "run", "no-such-model", "--deployed");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("there is no model 'no-such-model'");

            // An object the bucket does not have, for the monitor's retraining and for the pipeline.
            String missing = "s3://" + deployment.bucket() + "/missing.csv";
            CliRunner.Result noObject = CliRunner.runInChild(env, "drift", "run", "sensors", "--deployed",
                    "--retrain-input", retrainInput().toString(), "--retrain-data", missing);
            assertThat(noObject.exitCode()).as(noObject.err()).isEqualTo(2);
            assertThat(noObject.err()).contains("--retrain-data " + missing + ": there is no such object in the "
                    + "artifact bucket: copy the file there first (aws s3 cp FILE " + missing + "), or give a local "
                    + "file to upload");
            CliRunner.Result noData = CliRunner.runInChild(env, "pipeline", "run", "--deployed", "--data", missing,
                    "--target", "class");
            assertThat(noData.exitCode()).as(noData.err()).isEqualTo(2);
            assertThat(noData.err()).contains("--data " + missing + ": there is no such object in the artifact "
                    + "bucket");

            // Retraining on named data into a dataset that does not exist yet: its first version needs the target.
            Path data = Files.writeString(dir.resolve("labelled.csv"), "x,target\n1,0\n");
            Path noTarget = Files.writeString(dir.resolve("no-target.json"), "{\"ingest\": {\"dataset\": \"fresh\"}}");
            CliRunner.Result untargeted = CliRunner.runInChild(env, "drift", "run", "sensors", "--deployed",
                    "--retrain-input", noTarget.toString(), "--retrain-data", data.toString());
            assertThat(untargeted.exitCode()).as(untargeted.err()).isEqualTo(2);
            assertThat(untargeted.err()).contains("--retrain-input " + noTarget + ": ingest.target must name the "
                    + "column to predict: the dataset 'fresh' has no version yet, and its first one needs its target");

            assertThat(sfn.listExecutions(b -> b.stateMachineArn(drift)).executions())
                    .as("nothing started").isEmpty();
            assertThat(sfn.listExecutions(b -> b.stateMachineArn(training)).executions())
                    .as("nothing started").isEmpty();
        }
    }

    @Test
    void executionsStop_abortsARunningExecution_andRefusesAStoppedOrUnknownOne(AwsEmulator emulator)
            throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        executeDefinitions(emulator, false);
        try (SfnClient sfn = sfn(emulator)) {
            String training = stateMachine(sfn, "flywheel-it-training", PASS);
            String drift = stateMachine(sfn, "flywheel-it-drift", PASS);
            Map<String, String> env = env(emulator, deployment, training, drift);
            // moto running nothing: both stay RUNNING until stopped.
            String first = sfn.startExecution(b -> b.stateMachineArn(training).name("first").input("{}"))
                    .executionArn();
            String second = sfn.startExecution(b -> b.stateMachineArn(drift).name("second").input("{}"))
                    .executionArn();

            // By the short name `executions list` prints, and by ARN.
            CliRunner.Result byName = CliRunner.runInChild(env, "executions", "stop", "first", "--cause", "wrong data");
            assertThat(byName.exitCode()).as(byName.err()).isZero();
            DescribeExecutionResponse stopped = sfn.describeExecution(b -> b.executionArn(first));
            assertThat(stopped.statusAsString()).isEqualTo("ABORTED");
            assertThat(stopped.stopDate()).isNotNull();
            assertThat(byName.out()).startsWith("stopped " + first + ": ABORTED at ");

            CliRunner.Result json = CliRunner.runInChild(env, "executions", "stop", second, "--json");
            assertThat(json.exitCode()).as(json.err()).isZero();
            assertThat(json.json().path("executionArn").asText()).isEqualTo(second);
            assertThat(json.json().path("stateMachine").asText()).isEqualTo(DeployedExecutions.name(drift));
            assertThat(json.json().path("status").asText()).isEqualTo("ABORTED");
            assertThat(sfn.describeExecution(b -> b.executionArn(second)).statusAsString()).isEqualTo("ABORTED");

            CliRunner.Result again = CliRunner.runInChild(env, "executions", "stop", first);
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("execution first of " + DeployedExecutions.name(training)
                    + " ended already (ABORTED at ").contains("there is nothing to stop");

            String unknownArn = first.substring(0, first.lastIndexOf(':') + 1) + "no-such-execution";
            CliRunner.Result unknown = CliRunner.runInChild(env, "executions", "stop", unknownArn);
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("no execution " + unknownArn + " in Step Functions "
                    + "(`flywheel executions list` lists them)");

            // Not Flywheel's: another state machine's execution, and a child of the drift monitor's Distributed Map.
            String other = stateMachine(sfn, "t3", PASS);
            String foreign = sfn.startExecution(b -> b.stateMachineArn(other).name("c").input("{}")).executionArn();
            CliRunner.Result notOurs = CliRunner.runInChild(env, "executions", "stop", foreign);
            assertThat(notOurs.exitCode()).as(notOurs.err()).isEqualTo(2);
            assertThat(notOurs.err()).contains("execution c is of the state machine " + other + ", not of Flywheel's "
                    + training + " or " + drift + " ("
                    + FlywheelConfig.TRAINING_STATE_MACHINE_ARN + ", " + FlywheelConfig.DRIFT_STATE_MACHINE_ARN
                    + "): `executions stop` stops only those");
            assertThat(sfn.describeExecution(b -> b.executionArn(foreign)).statusAsString()).isEqualTo("RUNNING");
            String child = drift.replace(":stateMachine:", ":execution:") + "/ProfileCaptures:1";
            CliRunner.Result mapChild = CliRunner.runInChild(env, "executions", "stop", child);
            assertThat(mapChild.exitCode()).isEqualTo(2);
            assertThat(mapChild.err()).contains("execution 1 is a child of a Distributed Map of "
                    + DeployedExecutions.name(drift) + ": it stops with the execution that runs it");
            sfn.stopExecution(b -> b.executionArn(foreign));
        }
    }

    @Test
    void executionsShowFollow_followsAStoppedTrainingRun_andReadsItAsStopped(AwsEmulator emulator) throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        executeDefinitions(emulator, false);
        try (SfnClient sfn = sfn(emulator)) {
            String training = stateMachine(sfn, "flywheel-it-training", PASS);
            Map<String, String> env = env(emulator, deployment, training, null);
            String arn = sfn.startExecution(b -> b.stateMachineArn(training).name("stopped-run")
                    .input("{\"model\": \"credit-risk\"}")).executionArn();
            assertThat(CliRunner.runInChild(env, "executions", "stop", "stopped-run", "--cause", "wrong data")
                    .exitCode()).isZero();

            CliRunner.Result followed = CliRunner.runInChild(env, "executions", "show", "stopped-run", "--follow");

            assertThat(followed.exitCode()).as(followed.err()).isEqualTo(1);
            assertThat(followed.err()).contains("Following the deployed training pipeline's execution",
                    "  execution " + arn);
            // moto 5.2.1 records every stop with error "" and cause "" (whatever StopExecution said): before, this
            // read "✗ failed  :" with nothing after the colon.
            assertThat(followed.out()).contains("status                ABORTED", "model                 credit-risk")
                    .containsPattern("✗ stopped +\\(no cause given\\)").doesNotContain("✗ failed");
        }
    }

    @Test
    void executionsShowFollow_followsADriftMonitorExecutionToItsOutcome(AwsEmulator emulator) throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        withExecutedStateMachine(emulator, "flywheel-it-drift", MONITOR, (sfn, drift) -> {
            String arn = sfn.startExecution(b -> b.stateMachineArn(drift).name("monitor-1").input("{}"))
                    .executionArn();

            CliRunner.Result followed = CliRunner.runInChild(env(emulator, deployment, null, drift), "executions",
                    "show", "monitor-1", "--follow");

            assertThat(followed.exitCode()).as(followed.err()).isZero();
            assertThat(followed.err()).contains("Following the deployed drift monitor's execution", "  execution "
                    + arn, "`flywheel executions show monitor-1 --follow` follows it again", "  → ProfileCaptures");
            assertThat(followed.out()).contains("DRIFT (1200 rows, sensors v1)", "execution  " + arn, "SUCCEEDED");
        });
    }

    @Test
    void pipelineRunDeployedJson_saysWhichExecutionItStartedOnStderr_andAFailedRunNamesTheRequestedModel(
            AwsEmulator emulator) throws Exception {
        requireMoto(emulator);
        Deployment deployment = deployment(emulator);
        Path data = Files.writeString(dir.resolve("rows.csv"), "x,class\n1,good\n2,bad\n");
        withExecutedStateMachine(emulator, "flywheel-it-training-failing", FAILING_MONITOR, (sfn, training) -> {
            CliRunner.Result run = CliRunner.runInChild(env(emulator, deployment, training, null), "pipeline", "run",
                    "--deployed", "--data", data.toString(), "--target", "class", "--model", "credit-risk", "--json");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            String arn = onlyExecution(sfn, training).executionArn();
            assertThat(run.err().strip()).isEqualTo("flywheel: started execution " + arn);
            JsonNode json = run.json();
            assertThat(json.path("executionId").asText()).isEqualTo(arn);
            assertThat(json.path("status").asText()).isEqualTo("FAILED");
            assertThat(json.path("model").asText()).as("the requested model").isEqualTo("credit-risk");
            assertThat(json.path("outcome").asText()).isEqualTo("failed");
            assertThat(json.path("seconds").isNumber()).isTrue();
        });
    }

    @Test
    void theStepFunctionsCommands_needNoStores_andABadStateMachineArnIsAUsageError(AwsEmulator emulator)
            throws Exception {
        requireMoto(emulator);
        executeDefinitions(emulator, false);
        try (SfnClient sfn = sfn(emulator)) {
            String training = stateMachine(sfn, "flywheel-it-training", PASS);
            sfn.startExecution(b -> b.stateMachineArn(training).name("listed").input("{}"));
            // No FLYWHEEL_BUCKET, FLYWHEEL_TABLE nor AWS_REGION: the region is the state machine's.
            Map<String, String> env = Map.of(FlywheelConfig.MODE, "aws", FlywheelConfig.ENDPOINT,
                    emulator.endpoint().toString(), FlywheelConfig.TRAINING_STATE_MACHINE_ARN, training);

            CliRunner.Result listed = CliRunner.runInChild(env, "executions", "list");
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("listed", DeployedExecutions.name(training), "RUNNING");

            CliRunner.Result garbage = CliRunner.runInChild(Map.of(FlywheelConfig.MODE, "aws",
                    FlywheelConfig.ENDPOINT, emulator.endpoint().toString(),
                    FlywheelConfig.TRAINING_STATE_MACHINE_ARN, "garbage"), "executions", "list");
            assertThat(garbage.exitCode()).isEqualTo(2);
            assertThat(garbage.err().strip()).isEqualTo("flywheel: " + FlywheelConfig.TRAINING_STATE_MACHINE_ARN
                    + " must be a state machine ARN, arn:aws:states:REGION:ACCOUNT:stateMachine:NAME (the stack "
                    + "output TrainingStateMachineArn), got 'garbage'");
            sfn.stopExecution(b -> b.executionArn(training.replace(":stateMachine:", ":execution:") + ":listed"));
        }
    }
}
