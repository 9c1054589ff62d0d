package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel pipeline run}: the training-pipeline definition deployed to Step Functions, run by the embedded
 * interpreter through the real handlers, on real data.
 */
class PipelineRunCommandTest {
    static final Path CREDIT_G = Path.of("../examples/credit-g/credit-g.csv");

    @TempDir
    Path home;

    @Test
    void pipelineRun_onCreditG_promotesAChampionAndPrintsTheJsonScriptsRelyOn() {
        CliRunner.Result result = CliRunner.run("pipeline", "run", "--data", CREDIT_G.toString(), "--target", "class",
                "--model", "credit-risk", "--candidates", "4", "--json", "--home", home.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = result.json();
        assertThat(json.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.path("executionId").asText()).startsWith("training-pipeline-");
        assertThat(json.path("model").asText()).isEqualTo("credit-risk");
        assertThat(json.path("version").asInt()).isEqualTo(1);
        assertThat(json.path("promoted").asBoolean()).isTrue();
        assertThat(json.path("metrics").path("auc").asDouble()).isGreaterThanOrEqualTo(0.75);
    }

    @Test
    void runningTheSamePipelineTwice_reusesTheCheckpointAndRegistersNoTieAsANewVersion() {
        String[] args = {"pipeline", "run", "--data", CREDIT_G.toString(), "--target", "class", "--model", "credit-risk",
                "--candidates", "2", "--json", "--home", home.toString()};
        CliRunner.Result first = CliRunner.run(args);
        CliRunner.Result second = CliRunner.run(args);

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode again = second.json();
        assertThat(again.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(again.path("promoted").asBoolean()).isFalse();
        assertThat(again.path("gate").path("passed").asBoolean()).isFalse();
        assertThat(again.path("gate").path("reasons").toString()).contains("vs champion v1");
        try (Registries registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC())) {
            assertThat(registries.models().versions("credit-risk")).hasSize(1);
            assertThat(registries.datasets().versions("credit-g")).hasSize(1);
            ExecutionRecord execution = registries.executions().get(again.path("executionId").asText());
            List<JsonNode> preprocessOutputs = execution.events().stream()
                    .filter(e -> e.type().equals("TaskStateExited") && e.details().path("name").asText().equals("Preprocess"))
                    .map(ExecutionEvent::details).toList();
            assertThat(preprocessOutputs).singleElement().satisfies(d -> assertThat(
                    d.path("output").path("preprocessed").path("features").path("checkpointHit").asBoolean()).isTrue());
        }
    }

    @Test
    void pipelineRun_worksOnAnyCsvWithTheOptions() throws Exception {
        Path data = home.resolve("sales.csv");
        assertThat(CliRunner.run("datagen", "--rows", "3000", "--task", "regression", "--seed", "7", "--out", data.toString())
                .exitCode()).isZero();
        // An id-like column the user excludes by hand.
        List<String> lines = Files.readAllLines(data);
        StringBuilder withId = new StringBuilder("order_id," + lines.get(0) + "\n");
        for (int i = 1; i < lines.size(); i++) {
            withId.append("o-").append(i).append(',').append(lines.get(i)).append('\n');
        }
        Files.writeString(data, withId);

        CliRunner.Result result = CliRunner.run("pipeline", "run", "--data", data.toString(), "--target", "target",
                "--model", "sales-forecast", "--exclude", "order_id", "--task", "regression", "--candidates", "2",
                "--json", "--home", home.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = result.json();
        assertThat(json.path("promoted").asBoolean()).isTrue();
        assertThat(json.path("metrics").path("r2").asDouble()).isGreaterThan(0.8);
        assertThat(json.path("metrics").has("rmse")).isTrue();
    }

    @Test
    void pipelineRun_withApproval_waitsForTheTokenThenPromotes() throws Exception {
        CompletableFuture<CliRunner.Result> run = CompletableFuture.supplyAsync(() -> CliRunner.run("pipeline", "run",
                "--data", CREDIT_G.toString(), "--target", "class", "--candidates", "1", "--require-approval",
                "--json", "--home", home.toString()));
        String token = waitForToken();
        // Another process's command answers it; the waiting pipeline polls the shared metadata store.
        try (Registries registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC())) {
            registries.executions().succeedTaskToken(token, dev.flywheel.json.Json.tree("{\"approved\":true}"));
        }
        CliRunner.Result result = run.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().path("promoted").asBoolean()).isTrue();
    }

    @Test
    void pipelineRun_withApproval_rejectedEndsNotPromoted() throws Exception {
        CompletableFuture<CliRunner.Result> run = CompletableFuture.supplyAsync(() -> CliRunner.run("pipeline", "run",
                "--data", CREDIT_G.toString(), "--target", "class", "--candidates", "1", "--require-approval",
                "--json", "--home", home.toString()));
        String token = waitForToken();
        try (Registries registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC())) {
            registries.executions().failTaskToken(token, "ApprovalRejected", "needs a fairness review");
        }
        CliRunner.Result result = run.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.json().path("promoted").asBoolean()).isFalse();
        try (Registries registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC())) {
            assertThat(registries.models().alias("credit-g-model", "champion")).isEmpty();
            assertThat(registries.models().alias("credit-g-model", "challenger")).isPresent();
        }
    }

    @Test
    void pipelineRun_badInputExitsNonZeroWithAOneLineReason() {
        CliRunner.Result missing = CliRunner.run("pipeline", "run", "--data", "no-such.csv", "--target", "class",
                "--home", home.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");

        CliRunner.Result wrongTarget = CliRunner.run("pipeline", "run", "--data", CREDIT_G.toString(), "--target",
                "not_a_column", "--json", "--home", home.toString());
        assertThat(wrongTarget.exitCode()).isEqualTo(1);
        JsonNode json = wrongTarget.json();
        assertThat(json.path("status").asText()).isEqualTo("FAILED");
        assertThat(json.path("error").asText()).isEqualTo("dev.flywheel.domain.InvalidInputException");
        assertThat(json.path("cause").asText()).contains("not_a_column");
    }

    private String waitForToken() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(home.resolve("metadata.db"))) {
                try (Registries registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")),
                        Clock.systemUTC())) {
                    for (ExecutionRecord execution : registries.executions().list(0)) {
                        for (ExecutionEvent event : registries.executions().get(execution.id()).events()) {
                            String token = event.details() == null ? "" : event.details().path("parameters")
                                    .path("Payload").path("taskToken").asText("");
                            if (!token.isEmpty() && registries.executions().findTaskToken(token).isPresent()) {
                                return token;
                            }
                        }
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the pipeline never asked for approval");
    }
}
