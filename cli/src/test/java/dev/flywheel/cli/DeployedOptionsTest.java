package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options of the deployed pipeline and drift monitor as usage errors, where the environment is local (as in these
 * tests); DeployedCommandsIT runs them with a deployed environment.
 */
class DeployedOptionsTest {

    @Test
    void deployed_withoutAwsMode_isAUsageErrorThatSaysWhatToSet() {
        CliRunner.Result result = CliRunner.run("pipeline", "run", "--deployed", "--data",
                PipelineRunCommandTest.CREDIT_G.toString(), "--target", "class");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--deployed runs the pipeline deployed to Step Functions: set "
                + "FLYWHEEL_MODE=aws").contains("FLYWHEEL_TRAINING_STATE_MACHINE_ARN");
    }

    @Test
    void anS3Uri_isReadByTheDeployedPipelineOnly_andMustNameAnObject() {
        CliRunner.Result local = CliRunner.run("pipeline", "run", "--data", "s3://bucket/data/credit-g.csv",
                "--target", "class");
        assertThat(local.exitCode()).isEqualTo(2);
        assertThat(local.err()).contains("an s3:// URI is read by the deployed pipeline only (--deployed)");

        CliRunner.Result bucketOnly = CliRunner.run("pipeline", "run", "--deployed", "--data", "s3://bucket",
                "--target", "class");
        assertThat(bucketOnly.exitCode()).isEqualTo(2);
        assertThat(bucketOnly.err()).contains("name an object, s3://BUCKET/KEY");
    }

    @Test
    void driftRunDeployed_withoutAwsMode_isAUsageErrorThatSaysWhatToSet() {
        CliRunner.Result result = CliRunner.run("drift", "run", "sensors", "--deployed");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--deployed runs the drift monitor deployed to Step Functions: set "
                + "FLYWHEEL_MODE=aws").contains("FLYWHEEL_DRIFT_STATE_MACHINE_ARN");
    }

    @Test
    void driftRunDeployed_retrainsOnAnS3ObjectOrALocalFileOnly_checkedBeforeTheEnvironment(@TempDir Path dir)
            throws Exception {
        Path input = Files.writeString(dir.resolve("retrain.json"), "{\"model\": \"sensors\", \"ingest\": "
                + "{\"dataset\": \"sensors-labelled\", \"target\": \"y\"}}");

        CliRunner.Result web = CliRunner.run("drift", "run", "sensors", "--deployed", "--retrain-input",
                input.toString(), "--retrain-data", "https://example.com/data.csv");
        assertThat(web.exitCode()).isEqualTo(2);
        assertThat(web.err()).contains("--retrain-data https://example.com/data.csv: the deployed pipeline reads "
                + "the artifact bucket only: give an s3:// URI there, or a local file to upload");

        CliRunner.Result bucketOnly = CliRunner.run("drift", "run", "sensors", "--deployed", "--retrain-input",
                input.toString(), "--retrain-data", "s3://bucket/");
        assertThat(bucketOnly.exitCode()).isEqualTo(2);
        assertThat(bucketOnly.err()).contains("--retrain-data s3://bucket/: name an object, s3://BUCKET/KEY");

        CliRunner.Result missing = CliRunner.run("drift", "run", "sensors", "--deployed", "--retrain-input",
                input.toString(), "--retrain-data", dir.resolve("nothing.csv").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nothing.csv: no such file");
    }

    @Test
    void pipelineRunDeployed_refusesWhatTheDeployedIngestWouldRefuse_beforeUploadingOrStartingAnything(
            @TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path headerOnly = Files.writeString(dir.resolve("header.csv"), "a,b\n\n");
        Path good = Files.writeString(dir.resolve("good.csv"), "a,b\n1,2\n");
        byte[] bytes = new byte[20_000];
        new java.util.Random(3).nextBytes(bytes);
        bytes[0] = (byte) 0xFF; // never in UTF-8
        Path random = Files.write(dir.resolve("random.bin"), bytes);
        Path jsonLines = Files.writeString(dir.resolve("rows.jsonl"), "\n[1]\n{\"a\": 1}\n{\"b\": 2}\n");
        Path noObjects = Files.writeString(dir.resolve("none.jsonl"), "[1]\nnot json\n");

        String[][] cases = {
            {empty.toString(), "b", "--data " + empty + " is empty: write a header line with the column names, then "
                    + "one line per row"},
            {headerOnly.toString(), "b", "--data " + headerOnly + " has a header but no data rows: add at least one "
                    + "row"},
            {random.toString(), "b", "--data " + random + " is not UTF-8 text: give a CSV file with a header row, or "
                    + "JSON Lines"},
            {good.toString(), "nosuchcol", "--data " + good + " has no column 'nosuchcol' (the target); its columns "
                    + "are [a, b]"},
            {jsonLines.toString(), "c", "--data " + jsonLines + " has no column 'c' (the target); its columns are "
                    + "[a, b]"},
            {noObjects.toString(), "a", "--data " + noObjects + " has no JSON objects: write one JSON object per "
                    + "line"}};
        for (String[] c : cases) {
            CliRunner.Result result = CliRunner.run("pipeline", "run", "--deployed", "--data", c[0], "--target", c[1]);
            assertThat(result.exitCode()).as(c[0] + ": " + result.err()).isEqualTo(2);
            assertThat(result.err()).contains("flywheel: " + c[2]).doesNotContain("FLYWHEEL_MODE");
        }
        CliRunner.Result excluded = CliRunner.run("pipeline", "run", "--deployed", "--data", good.toString(),
                "--target", "b", "--exclude", "z");
        assertThat(excluded.err()).contains("--data " + good + " has no column 'z' (the excluded column)");

        // What passes goes on to the environment's checks (here: no FLYWHEEL_MODE=aws).
        for (Path passes : new Path[] {good, jsonLines}) {
            CliRunner.Result result = CliRunner.run("pipeline", "run", "--deployed", "--data", passes.toString(),
                    "--target", "b");
            assertThat(result.err()).as(passes.toString()).contains("--deployed runs the pipeline deployed to Step "
                    + "Functions: set FLYWHEEL_MODE=aws");
        }
    }

    @Test
    void executionIdsAndTokens_mustBeGiven_andCausesFitStepFunctionsLimits() {
        for (String[] command : new String[][] {{"executions", "stop", ""}, {"executions", "show", " "},
                {"executions", "abort", ""}}) {
            CliRunner.Result result = CliRunner.run(command);
            assertThat(result.exitCode()).as(String.join(" ", command)).isEqualTo(2);
            assertThat(result.err()).contains("give the execution's ID: its name as `executions list` prints it, or "
                    + "its ARN, not an empty one");
        }
        for (String command : new String[] {"approve", "reject"}) {
            CliRunner.Result result = CliRunner.run(command, "");
            assertThat(result.exitCode()).as(command).isEqualTo(2);
            assertThat(result.err()).contains("give the task token the waiting pipeline printed, not an empty one");
        }

        String tooLong = "x".repeat(32_769);
        CliRunner.Result stop = CliRunner.run("executions", "stop", "e", "--cause", tooLong);
        assertThat(stop.exitCode()).isEqualTo(2);
        assertThat(stop.err()).contains("--cause is 32,769 characters long: Step Functions takes at most 32,768");
        CliRunner.Result reject = CliRunner.run("reject", "token", "--reason", tooLong);
        assertThat(reject.exitCode()).isEqualTo(2);
        assertThat(reject.err()).contains("--reason is 32,769 characters long: Step Functions takes at most 32,768");
        CliRunner.Result approve = CliRunner.run("approve", "token", "--comment", "é".repeat(131_072));
        assertThat(approve.exitCode()).isEqualTo(2);
        assertThat(approve.err()).contains("--comment is too long: the approval ({\"approved\": true, \"comment\": "
                + "...}) must be at most 262,144 bytes of UTF-8");
        // At the limit, the cause goes on (here to the local home, which does not exist).
        CliRunner.Result atLimit = CliRunner.run("executions", "stop", "e", "--cause", "x".repeat(32_768), "--home",
                "no-such-home-" + System.nanoTime());
        assertThat(atLimit.err()).doesNotContain("--cause is");
    }
}
