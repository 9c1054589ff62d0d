package dev.flywheel.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import dev.flywheel.testing.RequiresDocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.localstack.LocalStackContainer;

/**
 * The LocalStack path end to end, as a user takes it (README, docs/deploy.md): {@code localstack/deploy.sh} deploys
 * the CDK app into LocalStack with cdklocal; then the CLI (the built jar, in its own process, with the env file the
 * script writes) runs a training execution of the deployed state machine on credit-g and scores rows through the
 * deployed API. Runs only where a Docker engine answers; elsewhere it is skipped with the reason printed once.
 */
@ExtendWith(RequiresDocker.class)
class LocalStackDeployIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CLI_JAR = ROOT.resolve(Path.of("cli", "target", "flywheel-cli.jar"));
    static final Path OUT = Path.of("target", "localstack-deploy").toAbsolutePath();

    static LocalStackContainer LOCALSTACK;

    @BeforeAll
    static void start() {
        // Every service (lazily started): CloudFormation, SSM, ECR and STS for the CDK bootstrap besides the app's.
        LOCALSTACK = new LocalStackContainer(LocalStackImage.IMAGE)
                .withEnv("LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT", "60");
        LOCALSTACK.start();
    }

    @AfterAll
    static void stop() {
        if (LOCALSTACK != null) {
            LOCALSTACK.stop();
        }
    }

    @Test
    void deploy_thenATrainingExecutionOnCreditG_thenPredictionsThroughTheApi() throws Exception {
        assumeTrue(List.of("localhost", "127.0.0.1").contains(LOCALSTACK.getHost()),
                "deploy.sh reaches LocalStack on this machine only; Docker runs on " + LOCALSTACK.getHost());
        assertThat(CLI_JAR).as("the CLI jar (mvn package builds it before this test)").exists();
        Files.createDirectories(OUT);

        String endpoint = "http://127.0.0.1:" + LOCALSTACK.getMappedPort(4566);
        Result deployed = run(List.of(ROOT.resolve("localstack/deploy.sh").toString(), "--endpoint", endpoint,
                "--out", OUT.toString()), Map.of(), "deploy", 40);
        assertThat(deployed.exitCode()).as(deployed.describe()).isZero();
        Map<String, String> env = readEnv(OUT.resolve("flywheel-localstack.env"));
        assertThat(env).containsKeys("FLYWHEEL_BUCKET", "FLYWHEEL_TABLE", "FLYWHEEL_TRAINING_STATE_MACHINE_ARN",
                "FLYWHEEL_DRIFT_STATE_MACHINE_ARN", "FLYWHEEL_API_URL");

        Result trained = cli(env, "training", 30, "pipeline", "run", "--deployed", "--json",
                "--data", ROOT.resolve("examples/credit-g/credit-g.csv").toString(), "--target", "class",
                "--model", "credit-risk", "--candidates", "2");
        assertThat(trained.exitCode()).as(trained.describe()).isZero();
        JsonNode summary = Json.read(trained.stdout(), JsonNode.class);
        assertThat(summary.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(summary.path("version").asInt()).isEqualTo(1);
        assertThat(summary.path("promoted").asBoolean()).as("the first version becomes champion").isTrue();
        assertThat(summary.path("executionId").asText()).startsWith(env.get("FLYWHEEL_TRAINING_STATE_MACHINE_ARN")
                .replace(":stateMachine:", ":execution:"));

        Path rows = OUT.resolve("rows.csv");
        List<String> lines = Files.readAllLines(ROOT.resolve("examples/credit-g/credit-g.csv"));
        Files.write(rows, lines.subList(0, 6));
        Result predicted = cli(env, "predict", 5, "predict", "credit-risk", "--json",
                "--url", env.get("FLYWHEEL_API_URL"), "--data", rows.toString());
        assertThat(predicted.exitCode()).as(predicted.describe()).isZero();
        List<JsonNode> answers = new ArrayList<>();
        for (String line : predicted.stdout().strip().split("\n")) {
            answers.add(Json.read(line, JsonNode.class));
        }
        assertThat(answers).hasSize(5).allSatisfy(answer -> {
            assertThat(answer.path("model").asText()).isEqualTo("credit-risk");
            assertThat(answer.path("version").asInt()).isEqualTo(1);
        });

        Result listed = cli(env, "executions", 2, "executions", "list", "--json");
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.stdout()).contains(summary.path("executionId").asText());
    }

    private static Result cli(Map<String, String> env, String label, int minutes, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", CLI_JAR.toString()));
        command.addAll(List.of(args));
        return run(command, env, label, minutes);
    }

    private static Result run(List<String> command, Map<String, String> env, String label, int minutes)
            throws IOException, InterruptedException {
        Path stdout = OUT.resolve(label + ".out");
        Path stderr = OUT.resolve(label + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(label + " did not finish in " + minutes + " minutes; its output: " + stderr);
        }
        return new Result(process.exitValue(), Files.readString(stdout), stderr);
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    record Result(int exitCode, String stdout, Path stderr) {
        String describe() {
            try {
                List<String> err = Files.readAllLines(stderr);
                return "exit " + exitCode + "; last lines of " + stderr + ":\n"
                        + String.join("\n", err.subList(Math.max(0, err.size() - 30), err.size()));
            } catch (IOException e) {
                return "exit " + exitCode + " (" + stderr + " unreadable: " + e + ")";
            }
        }
    }
}
