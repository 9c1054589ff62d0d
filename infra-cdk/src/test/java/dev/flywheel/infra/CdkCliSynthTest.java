package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cdk synth} with the CDK CLI this module pins (package.json; the build's {@code npm ci} installs it), offline:
 * the app runs on this test's classpath with stand-in jars, the cdk-nag checks on, and the CLI writes the cloud
 * assembly. It fails on any unsuppressed nag finding, as {@code cdk deploy} would.
 */
class CdkCliSynthTest {
    private static final Path CDK = Path.of("node_modules", ".bin", "cdk");
    private static final Path CDKLOCAL = Path.of("node_modules", ".bin", "cdklocal");

    private static void requireInstalled(Path tool) {
        if (!Files.isExecutable(tool)) {
            boolean required = "true".equals(System.getenv("CI"));
            String why = "no " + tool + ": the build's npm ci installs it (skipped with -Dflywheel.skipNpm=true)";
            assertThat(required).as(why).isFalse();
            Assumptions.abort(why);
        }
    }

    /** localstack/deploy.sh deploys with cdklocal: it must load, and wrap the CDK CLI this module pins. */
    @Test
    void cdklocalWrapsThePinnedCdkCli(@TempDir Path work) throws IOException, InterruptedException {
        requireInstalled(CDKLOCAL);
        JsonNode pins = new ObjectMapper().readTree(Path.of("package.json").toFile()).path("devDependencies");
        Process process = new ProcessBuilder(CDKLOCAL.toString(), "--version").redirectErrorStream(true)
                .redirectOutput(work.resolve("version.log").toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("cdklocal --version finished").isTrue();
        String printed = Files.readString(work.resolve("version.log"));
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed).contains("cdklocal v" + pins.path("aws-cdk-local").asText(),
                "cdk cli version v" + pins.path("aws-cdk").asText());
    }

    @Test
    void theCdkCliSynthesisesTheAppOffline(@TempDir Path work) throws IOException, InterruptedException {
        requireInstalled(CDK);
        Path functions = work.resolve("functions");
        TestFixtures.standInJars(functions);
        Path out = work.resolve("cdk.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String app = java + " -cp " + System.getProperty("java.class.path") + " " + FlywheelApp.class.getName();
        List<String> command = new ArrayList<>(List.of(CDK.toString(), "synth", "--app", app, "--output",
                out.toString(), "--quiet", "--no-notices", "--no-version-reporting", "-c", "stage=test",
                "-c", "functionsDir=" + functions));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("synth.log").toFile());
        builder.environment().put("CDK_DISABLE_CLI_TELEMETRY", "true");
        builder.environment().put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("cdk synth took over 5 minutes: " + Files.readString(work.resolve("synth.log")));
        }
        String log = Files.readString(work.resolve("synth.log"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isZero();
        Path template = out.resolve("Flywheel-test.template.json");
        assertThat(template).exists();
        assertThat(Files.readString(template)).contains("AWS::ApiGateway::RestApi", "AWS::CodeDeploy::DeploymentGroup",
                "AWS::StepFunctions::StateMachine", "AWS::CloudWatch::Dashboard");
    }
}
