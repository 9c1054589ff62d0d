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
        assertThat(json.path("notYetAvailable").toString()).doesNotContain("serving").contains("drift");
    }

    private static long jsonLinesUnder(Path folder) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".jsonl.gz")).count();
        }
    }
}
