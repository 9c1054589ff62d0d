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
        Path input = Files.writeString(dir.resolve("retrain.json"), "{\"model\": \"sensors\"}");

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
}
