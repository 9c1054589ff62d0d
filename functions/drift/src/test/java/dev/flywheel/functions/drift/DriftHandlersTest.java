package dev.flywheel.functions.drift;

import dev.flywheel.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import dev.flywheel.monitoring.CaptureWindows;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.MonitoredModel;
import dev.flywheel.store.Stores;
import dev.flywheel.store.local.LocalStores;
import dev.flywheel.testing.LambdaEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each handler's JSON in and out as Lambda and the drift-monitor state machine send it, over a local store. */
class DriftHandlersTest {
    @TempDir
    Path home;

    private MutableClock clock;
    private Stores stores;
    private DriftMonitor monitor;
    private CaptureWindows.Written written;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-12-02T06:00:00Z"));
        stores = LocalStores.open(home, clock);
        monitor = new DriftMonitor(stores, clock);
        MonitoredModel.registerChampion(stores, "churn");
        written = CaptureWindows.writeDriftedWindow(stores.artifacts());
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void planProfileScoreDecideRecord_asJson() {
        JsonNode plan = LambdaEvents.invoke(new PlanWindowHandler(monitor), """
                {"model": "churn", "since": "%s", "until": "%s"}""".formatted(CaptureWindows.SINCE,
                CaptureWindows.UNTIL));
        assertThat(plan.path("runId").asText()).startsWith("churn-");
        assertThat(plan.path("version").asInt()).isEqualTo(1);
        assertThat(plan.path("windowStart").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(plan.path("files").asInt()).isEqualTo(5);
        JsonNode manifest = Json.tree(new String(CaptureWindows.readAll(stores.artifacts(),
                plan.path("manifestKey").asText()), StandardCharsets.UTF_8));
        assertThat(manifest).hasSize(5);

        // the Distributed Map's iterations: ItemBatcher's {"Items": [...], "BatchInput": {...}}
        long rows = 0;
        int unreadable = 0;
        for (int start = 0; start < manifest.size(); start += 2) {
            ObjectNode batch = Json.object();
            ArrayNode items = batch.putArray("Items");
            for (int i = start; i < Math.min(manifest.size(), start + 2); i++) {
                items.add(manifest.get(i));
            }
            batch.set("BatchInput", plan);
            JsonNode partial = LambdaEvents.invoke(new ProfileCapturesHandler(monitor), Json.write(batch));
            assertThat(partial.path("partial").asText()).contains("/partials/").endsWith(".json");
            assertThat(partial.path("files").asInt()).isEqualTo(items.size());
            rows += partial.path("rows").asLong();
            unreadable += partial.path("unreadable").size();
        }
        assertThat(rows).isEqualTo(150);
        assertThat(unreadable).isEqualTo(2);

        ObjectNode scoreRequest = Json.object();
        scoreRequest.set("plan", plan);
        scoreRequest.set("policy", Json.tree("{\"minRows\": 10}"));
        JsonNode scored = LambdaEvents.invoke(new ScoreWindowHandler(monitor), Json.write(scoreRequest));
        assertThat(scored.path("reportId").asText()).isEqualTo(plan.path("runId").asText());
        assertThat(scored.path("verdict").asText()).startsWith("drift");
        assertThat(scored.path("drifted").asBoolean()).isTrue();
        assertThat(scored.path("rows").asLong()).isEqualTo(150);
        assertThat(scored.path("reportUri").asText()).endsWith("report.html");
        assertThat(scored.path("jsonUri").asText()).endsWith("report.json");
        assertThat(scored.path("reason").asText()).contains("damaged capture batches were skipped");

        ObjectNode decide = Json.object();
        decide.set("report", scored);
        decide.set("input", Json.tree("{\"model\": \"churn\"}"));
        JsonNode notConfigured = LambdaEvents.invoke(new DecideRetrainingHandler(monitor), Json.write(decide));
        assertThat(notConfigured.path("action").asText()).isEqualTo("not-configured");
        assertThat(notConfigured.has("pipelineInput")).isFalse();

        clock.advance(java.time.Duration.ofMinutes(1));
        decide.set("input", Json.tree("{\"model\": \"churn\", \"retrain\": {\"pipelineInput\": {\"model\": \"churn\"},"
                + " \"source\": \"s3://data/churn.csv\"}}"));
        JsonNode retrain = LambdaEvents.invoke(new DecideRetrainingHandler(monitor), Json.write(decide));
        assertThat(retrain.path("action").asText()).isEqualTo("retrain");
        assertThat(retrain.path("decisionId").asText()).isEqualTo(scored.path("reportId").asText() + "-decision");
        assertThat(retrain.path("pipelineInput").path("ingest").path("source").asText())
                .isEqualTo("s3://data/churn.csv");

        ObjectNode outcome = Json.object();
        outcome.set("decision", retrain);
        outcome.set("report", scored);
        outcome.set("execution", Json.tree("{\"ExecutionArn\": \"arn:x\", \"Status\": \"SUCCEEDED\"}"));
        JsonNode recorded = LambdaEvents.invoke(new RecordRetrainingHandler(monitor), Json.write(outcome));
        assertThat(recorded.path("action").asText()).isEqualTo("retrain-succeeded");
        assertThat(recorded.path("reason").asText()).isEqualTo("The retraining finished; its gate kept v1 as the "
                + "champion.");
        assertThat(stores.registries().driftReports().decisions("churn", 0)).hasSize(3);
    }

    @Test
    void malformedRequestsGiveClearErrors() {
        assertThatThrownBy(() -> LambdaEvents.invoke(new PlanWindowHandler(monitor), "{not json"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the event is not a valid MonitorInput");
        assertThatThrownBy(() -> LambdaEvents.invoke(new PlanWindowHandler(monitor), "{\"windowHours\": 3}"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("{\"model\": \"NAME\"}");
        assertThatThrownBy(() -> LambdaEvents.invoke(new PlanWindowHandler(monitor),
                "{\"model\": \"churn\", \"windowHours\": 0}"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("windowHours must be at least 1");
        assertThatThrownBy(() -> LambdaEvents.invoke(new ProfileCapturesHandler(monitor), "{\"Items\": \"k\"}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid ProfileRequest").hasMessageContaining("Items");
        assertThatThrownBy(() -> LambdaEvents.invoke(new ProfileCapturesHandler(monitor),
                "{\"Items\": [{\"key\": \"captures/churn/x.jsonl.gz\"}]}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs the plan as its BatchInput");
        assertThatThrownBy(() -> LambdaEvents.invoke(new ScoreWindowHandler(monitor),
                "{\"plan\": {\"runId\": \"r\", \"model\": \"churn\", \"version\": 1, \"windowStart\": "
                        + "\"2026-12-01T00:00:00Z\", \"windowEnd\": \"2026-12-01T01:00:00Z\"}, "
                        + "\"policy\": {\"datasetShare\": 2}}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("datasetShare must be in (0, 1], got 2.0");
    }
}
