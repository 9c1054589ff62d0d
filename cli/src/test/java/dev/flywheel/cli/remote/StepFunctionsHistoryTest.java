package dev.flywheel.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.Progress;
import dev.flywheel.json.Json;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step Functions' history (recorded, in the API's JSON) read as the embedded runtime's events, and the step lines. */
class StepFunctionsHistoryTest {

    static JsonNode recorded(String name) {
        try (InputStream in = StepFunctionsHistoryTest.class.getResourceAsStream("/stepfunctions/" + name)) {
            return Json.tree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<HistoryEvent> read(JsonNode events) {
        StepFunctionsHistory reader = new StepFunctionsHistory();
        List<HistoryEvent> read = new ArrayList<>();
        events.forEach(e -> read.add(reader.read(e)));
        return read;
    }

    @Test
    void trainingHistory_printsTheLinesALocalRunPrints() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        read(recorded("training-history.json").path("events")).forEach(progress::onEvent);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "  → Ingest",
                "  ↻ retry 1 after Lambda.ServiceException (2.5 s back-off)",
                "  ✓ Ingest (5.0 s)",
                "  → TrainCandidates",
                "    ✗ TrainCandidates item 1 failed: OutOfMemoryError",
                "    · Map TrainCandidates: 1 of 2 items (1 failed)",
                "    · Map TrainCandidates: 2 of 2 items (1 failed)",
                "  ✓ TrainCandidates (25.0 s)",
                "  → Evaluate",
                "  ✗ Evaluate failed (2.1 s): ArtifactIntegrityException: champion package sha256 mismatch",
                "  → WaitForApproval",
                "  ⏸ waiting for approval: run `flywheel approve AQB8AAAAKgAAAAMAAAAAAAAAAToken` (or `flywheel reject "
                        + "AQB8AAAAKgAAAAMAAAAAAAAAAToken --reason \"...\"`)");
    }

    @Test
    void events_keepTheirIdsAndTypes_parseTheirJsonText_andChainTheMainPathOverTheMap() {
        List<HistoryEvent> events = read(recorded("training-history.json").path("events"));

        assertThat(events).extracting(HistoryEvent::id).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 29).boxed().toList());
        HistoryEvent mapSucceeded = events.get(21);
        assertThat(mapSucceeded.type()).isEqualTo("MapStateSucceeded");
        assertThat(mapSucceeded.previousEventId()).as("follows MapStateStarted on the main path").isEqualTo(13);
        assertThat(events.get(22).previousEventId()).isEqualTo(22);
        assertThat(events.get(16).previousEventId()).as("inside the Map: Step Functions' own value").isEqualTo(16);
        HistoryEvent waiting = events.get(28);
        assertThat(waiting.details().path("resource").asText())
                .isEqualTo("arn:aws:states:::lambda:invoke.waitForTaskToken");
        assertThat(waiting.details().path("parameters").path("Payload").path("version").asInt()).isEqualTo(3);
        assertThat(waiting.timestamp()).isEqualTo(Instant.parse("2025-01-01T12:00:33.250Z"));
        assertThat(events.get(0).details().path("input").path("model").asText()).isEqualTo("credit-risk");
        assertThat(events.get(4).details().has("retry")).isFalse();
        assertThat(events.get(26).details().path("caught").path("error").asText())
                .isEqualTo("dev.flywheel.store.ArtifactIntegrityException");
        assertThat(events.get(10).details().has("caught")).as("Ingest recovered by its retry").isFalse();
    }

    @Test
    void motosFabricatedHistory_withTextOutputAndAFirstStateThatFollowsNothing_readsWithoutError() {
        // What moto 5.2.1 returns for any execution when it does not run definitions: 'An output' is not JSON, and
        // the Pass state's previousEventId is 0.
        JsonNode moto = Json.tree("""
                [{"timestamp": "2020-01-01T00:00:00Z", "type": "ExecutionStarted", "id": 1, "previousEventId": 0,
                  "executionStartedEventDetails": {"input": "{}", "inputDetails": {"truncated": false}, "roleArn": "r"}},
                 {"timestamp": "2020-01-01T00:00:10Z", "type": "PassStateEntered", "id": 2, "previousEventId": 0,
                  "stateEnteredEventDetails": {"name": "A State", "input": "{}"}},
                 {"timestamp": "2020-01-01T00:00:10Z", "type": "PassStateExited", "id": 3, "previousEventId": 2,
                  "stateExitedEventDetails": {"name": "A State", "output": "An output"}},
                 {"timestamp": "2020-01-01T00:00:20Z", "type": "ExecutionSucceeded", "id": 4, "previousEventId": 3,
                  "executionSucceededEventDetails": {"output": "An output"}}]""");

        List<HistoryEvent> events = read(moto);

        assertThat(events).extracting(HistoryEvent::previousEventId).containsExactly(0L, 1L, 2L, 3L);
        assertThat(events.get(3).details().path("output").asText()).isEqualTo("An output");
    }
}
