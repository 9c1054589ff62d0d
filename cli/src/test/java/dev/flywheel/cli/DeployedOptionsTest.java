package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The deployed pipeline's options as usage errors, where the environment is local (as in these tests). */
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
}
