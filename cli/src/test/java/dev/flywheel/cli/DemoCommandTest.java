package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel demo}: two pipeline runs, then the champion served over HTTP with traffic and feedback. */
class DemoCommandTest {
    @TempDir
    Path home;

    @Test
    void demo_servesTheChampion_andSaysWhereTheCapturesAndFeedbackAre() throws Exception {
        CliRunner.Result result = CliRunner.run("demo", "--candidates", "1", "--json", "--home", home.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = result.json();
        JsonNode serving = json.path("serving");
        assertThat(serving.path("version").asInt()).isEqualTo(json.path("champion").asInt()).isPositive();
        assertThat(serving.path("rows").asInt()).isEqualTo(200);
        assertThat(serving.path("requests").asInt()).isBetween(20, 200);
        assertThat(serving.path("feedbackRequests").asInt()).isEqualTo((serving.path("requests").asInt() + 1) / 2);
        assertThat(serving.path("feedbackRows").asInt()).isBetween(40, 160);
        assertThat(serving.path("capturedRows").asInt()).isEqualTo(200);
        assertThat(serving.path("p50Millis").asDouble()).isPositive();
        assertThat(jsonLinesUnder(Path.of(serving.path("captures").asText()))).isPositive();
        assertThat(jsonLinesUnder(Path.of(serving.path("feedback").asText()))).isPositive();
        assertThat(Path.of(serving.path("exampleRequest").asText())).exists();
        assertThat(serving.path("curl").asText()).contains("/models/credit-risk/predict");
        assertThat(json.has("notYetAvailable")).isFalse();

        // Monitoring, end to end in the embedded runtime: normal traffic gives no drift and nothing retrains;
        // drifted traffic gives a report, a training execution started by the monitor, and a new champion.
        JsonNode monitoring = json.path("monitoring");
        JsonNode normal = monitoring.path("normal");
        assertThat(normal.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(normal.path("report").path("drifted").asBoolean()).as(normal.toString()).isFalse();
        assertThat(normal.path("decision").path("action").asText()).isEqualTo("no-drift");
        assertThat(normal.has("training") && !normal.path("training").isMissingNode()
                && !normal.path("training").isNull() && normal.path("training").size() > 0).isFalse();
        JsonNode drifted = monitoring.path("drifted");
        assertThat(drifted.path("report").path("drifted").asBoolean()).as(drifted.toString()).isTrue();
        assertThat(drifted.path("training").path("Status").asText()).isEqualTo("SUCCEEDED");
        assertThat(drifted.path("decision").path("action").asText()).as(drifted.toString())
                .isEqualTo("retrain-succeeded");
        assertThat(monitoring.path("championAfter").asInt()).as("the gate promoted the retrained model: " + drifted)
                .isEqualTo(monitoring.path("championBefore").asInt() + 1);
        assertThat(Path.of(monitoring.path("html").asText())).exists();

        // The child execution is recorded as a training-pipeline execution with the monitor's reason.
        CliRunner.Result executions = CliRunner.run("executions", "list", "--json", "--home", home.toString());
        long trainings = count(executions.json(), "training-pipeline");
        String childArn = drifted.path("training").path("ExecutionArn").asText();
        assertThat(childArn).isNotBlank();

        // A second drift inside the cooldown: the same drifted window against v1's baseline drifts again, and the
        // monitor records COOLDOWN instead of retraining.
        Path pipelineInput = home.resolve("retrain.json");
        Files.writeString(pipelineInput, "{\"model\":\"sensors\",\"ingest\":{\"dataset\":\"sensors-train\",\"source\":\""
                + home.resolve("examples/sensors-train.csv").toUri() + "\",\"target\":\"target\"},"
                + "\"candidates\":[{\"params\":{}}],\"seed\":42}");
        JsonNode window = monitoring.path("driftedWindow");
        CliRunner.Result again = CliRunner.run("drift", "run", "sensors", "--model-version", "1",
                "--since", window.path("since").asText(), "--until", window.path("until").asText(),
                "--retrain-input", pipelineInput.toString(), "--json", "--home", home.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.json().path("report").path("drifted").asBoolean()).isTrue();
        assertThat(again.json().path("decision").path("action").asText()).isEqualTo("cooldown");
        assertThat(again.json().path("decision").path("reason").asText()).contains("cooldown");
        CliRunner.Result after = CliRunner.run("executions", "list", "--json", "--home", home.toString());
        assertThat(count(after.json(), "training-pipeline")).as("no training started in the cooldown")
                .isEqualTo(trainings);

        CliRunner.Result reports = CliRunner.run("drift", "reports", "sensors", "--json", "--home", home.toString());
        assertThat(reports.json().path("decisions").findValuesAsText("action"))
                .containsSubsequence("COOLDOWN", "RETRAIN_SUCCEEDED", "RETRAIN_STARTED", "NO_DRIFT");
    }

    private static long count(JsonNode executions, String stateMachine) {
        JsonNode list = executions.isArray() ? executions : executions.path("executions");
        long n = 0;
        for (JsonNode e : list) {
            if (stateMachine.equals(e.path("stateMachine").asText())) {
                n++;
            }
        }
        return n;
    }

    private static long jsonLinesUnder(Path folder) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".jsonl.gz")).count();
        }
    }
}
