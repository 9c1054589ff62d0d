package dev.flywheel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import dev.flywheel.monitoring.DriftSteps.Decision;
import dev.flywheel.monitoring.DriftSteps.DecideRequest;
import dev.flywheel.monitoring.DriftSteps.Item;
import dev.flywheel.monitoring.DriftSteps.MonitorInput;
import dev.flywheel.monitoring.DriftSteps.OutcomeRequest;
import dev.flywheel.monitoring.DriftSteps.Partial;
import dev.flywheel.monitoring.DriftSteps.Plan;
import dev.flywheel.monitoring.DriftSteps.ProfileRequest;
import dev.flywheel.monitoring.DriftSteps.Retrain;
import dev.flywheel.monitoring.DriftSteps.ScoreRequest;
import dev.flywheel.monitoring.DriftSteps.Scored;
import dev.flywheel.monitoring.MonitoredModel.Shape;
import dev.flywheel.testing.MutableClock;
import dev.flywheel.monitoring.report.DriftDocument;
import dev.flywheel.serving.online.CaptureKeys;
import dev.flywheel.serving.online.CaptureLog;
import dev.flywheel.serving.online.CaptureRecord;
import dev.flywheel.serving.online.FeedbackRecord;
import dev.flywheel.serving.online.JsonLinesBatch;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Stores;
import dev.flywheel.store.local.LocalStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's five steps over a local store, as the state machine runs them: captures and feedback written as
 * serving writes them (some outside the window, shadow ones, another version's, two damaged batches), a model
 * registered as champion with a package holding its pipeline and baseline profile.
 */
class DriftMonitorTest {
    static final String MODEL = CaptureWindows.MODEL;
    static final Instant SINCE = CaptureWindows.SINCE;
    static final Instant UNTIL = CaptureWindows.UNTIL;
    static final Instant QUIET = CaptureWindows.QUIET;

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T06:00:00Z"));
    private Stores stores;
    private DriftMonitor monitor;

    @BeforeEach
    void setUp() {
        stores = LocalStores.open(home, clock);
        monitor = new DriftMonitor(stores, clock);
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    private void registerChampion() {
        MonitoredModel.registerChampion(stores, MODEL);
    }

    private Plan plan(Instant since, Instant until) {
        return monitor.plan(new MonitorInput(MODEL, null, null, since.toString(), until.toString(), null, null, null,
                null));
    }

    /** Plan, profile in batches of {@code batch} items, score. */
    private Scored run(Instant since, Instant until, int batch) {
        Plan plan = plan(since, until);
        List<Item> items = manifest(plan);
        for (int i = 0; i < items.size(); i += batch) {
            monitor.profile(new ProfileRequest(items.subList(i, Math.min(items.size(), i + batch)), plan));
        }
        return monitor.score(new ScoreRequest(plan, null));
    }

    private List<Item> manifest(Plan plan) {
        JsonNode manifest = Json.tree(new String(CaptureWindows.readAll(stores.artifacts(), plan.manifestKey()),
                StandardCharsets.UTF_8));
        List<Item> items = new ArrayList<>();
        manifest.forEach(n -> items.add(new Item(n.path("key").asText())));
        return items;
    }

    @Test
    void planProfileScore_countOnlyTheWindow_skipDamagedBatches_writeAndRegisterTheReport() {
        registerChampion();
        CaptureWindows.Written written = CaptureWindows.writeDriftedWindow(stores.artifacts());

        Plan plan = plan(SINCE, UNTIL);
        assertThat(plan.model()).isEqualTo(MODEL);
        assertThat(plan.version()).as("the champion's").isEqualTo(1);
        assertThat(plan.windowStart()).isEqualTo(SINCE.toString());
        assertThat(plan.windowEnd()).isEqualTo(UNTIL.toString());
        List<Item> items = manifest(plan);
        assertThat(items).extracting(Item::key).as("only the window's hours")
                .containsExactlyInAnyOrderElementsOf(written.inWindow());
        assertThat(plan.files()).isEqualTo(written.inWindow().size());

        List<Item> first = items.subList(0, 3);
        List<Item> second = items.subList(3, items.size());
        Partial p1 = monitor.profile(new ProfileRequest(first, plan));
        Partial p2 = monitor.profile(new ProfileRequest(second, plan));
        assertThat(p1.files() + p2.files()).isEqualTo(5);
        List<String> unreadable = new ArrayList<>(p1.unreadable());
        unreadable.addAll(p2.unreadable());
        assertThat(unreadable).containsExactlyInAnyOrder(written.garbage(), written.truncated());
        assertThat(p1.rows() + p2.rows()).as("inside the window, shadow excluded, damaged batches not at all")
                .isEqualTo(150);

        // a retried iteration writes the same partial (no double counting)
        Partial again = monitor.profile(new ProfileRequest(first, plan));
        assertThat(again.partial()).isEqualTo(p1.partial());
        assertThat(stores.artifacts().list(DriftMonitor.runPrefix(MODEL, plan.runId()) + "partials/")).hasSize(2);

        clock.advance(Duration.ofMinutes(1));
        Scored scored = monitor.score(new ScoreRequest(plan, null));
        assertThat(scored.rows()).isEqualTo(150);
        assertThat(scored.version()).isEqualTo(1);
        assertThat(scored.drifted()).isTrue();
        assertThat(scored.verdict()).startsWith("drift");
        assertThat(scored.reason()).contains("2 damaged capture batches were skipped (")
                .containsAnyOf(written.garbage(), written.truncated());

        DriftDocument document = monitor.document(scored.reportId());
        assertThat(document.rows()).isEqualTo(150);
        assertThat(document.features()).filteredOn(f -> f.name().equals("x0")).singleElement()
                .satisfies(f -> {
                    assertThat(f.drifted()).isTrue();
                    assertThat(f.currentCount()).isEqualTo(150);
                });
        assertThat(document.features()).filteredOn(f -> f.name().equals("c0")).singleElement()
                .satisfies(f -> assertThat(f.unseen()).as("no shadow 'zzz'").isZero());
        assertThat(document.prediction().currentCount()).as("predictions of v1 only").isEqualTo(140);
        assertThat(document.performance().labeledRows()).as("v1's labelled, non-shadow captures")
                .isEqualTo(written.labelledV1());
        assertThat(document.performance().current()).isGreaterThan(0.8);

        String prefix = DriftMonitor.reportPrefix(MODEL, scored.reportId());
        assertThat(stores.artifacts().exists(prefix + "report.json")).isTrue();
        String html = new String(CaptureWindows.readAll(stores.artifacts(), prefix + "report.html"),
                StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("x0");
        assertThat(scored.reportUri()).isEqualTo(stores.artifacts().uri(prefix + "report.html"));
        DriftReport summary = stores.registries().driftReports().get(scored.reportId());
        assertThat(summary.model()).isEqualTo(MODEL);
        assertThat(summary.sampleSize()).isEqualTo(150);
        assertThat(summary.verdict()).isEqualTo(scored.verdict());
        assertThat(summary.reportUri()).isEqualTo(scored.reportUri());
        assertThat(summary.drifted()).isTrue();
        assertThat(stores.registries().driftReports().list(MODEL, 0)).extracting(DriftReport::id)
                .containsExactly(scored.reportId());

        // a retried score step gives the same report, registered once
        Scored retried = monitor.score(new ScoreRequest(plan, null));
        assertThat(retried.reportId()).isEqualTo(scored.reportId());
        assertThat(retried.rows()).isEqualTo(150);
        assertThat(stores.registries().driftReports().list(MODEL, 0)).hasSize(1);
    }

    @Test
    void decide_none_notConfigured_retrain_cooldown_thenOutcome() throws IOException {
        registerChampion();
        CaptureWindows.Written written = CaptureWindows.writeDriftedWindow(stores.artifacts());
        CaptureWindows.writeQuietWindow(stores.artifacts());
        MonitorInput bare = new MonitorInput(MODEL, null, null, null, null, null, null, null, null);

        Scored quiet = run(QUIET, QUIET.plus(Duration.ofHours(1)), 1);
        assertThat(quiet.rows()).isEqualTo(100);
        assertThat(quiet.verdict()).as(quiet.reason()).isEqualTo("no drift");
        clock.advance(Duration.ofMinutes(1));
        Decision none = monitor.decide(new DecideRequest(quiet, bare));
        assertThat(none.action()).isEqualTo("no-drift");
        assertThat(none.pipelineInput()).isNull();

        clock.advance(Duration.ofMinutes(1));
        Scored drifted = run(SINCE, UNTIL, 2);
        assertThat(drifted.drifted()).isTrue();
        clock.advance(Duration.ofMinutes(1));
        Decision notConfigured = monitor.decide(new DecideRequest(drifted, bare));
        assertThat(notConfigured.action()).isEqualTo("not-configured");
        assertThat(notConfigured.reason()).contains("retrain.pipelineInput");

        clock.advance(Duration.ofMinutes(1));
        Scored drifted2 = run(SINCE, UNTIL, 3);
        JsonNode pipeline = Json.tree("{\"model\": \"churn\", \"train\": {\"params\": {\"max_depth\": 3}}}");
        MonitorInput retrainInput = new MonitorInput(MODEL, null, null, null, null, null, null, 6.0,
                new Retrain(pipeline, null, null));
        clock.advance(Duration.ofMinutes(1));
        Decision retrain = monitor.decide(new DecideRequest(drifted2, retrainInput));
        assertThat(retrain.action()).isEqualTo("retrain");
        JsonNode input = retrain.pipelineInput();
        assertThat(input.path("model").asText()).isEqualTo(MODEL);
        assertThat(input.path("train").path("params").path("max_depth").asInt()).as("the given input is kept")
                .isEqualTo(3);
        assertThat(input.path("reason").asText()).contains(drifted2.reportId());
        JsonNode ingest = input.path("ingest");
        assertThat(ingest.path("format").asText()).isEqualTo("jsonl");
        assertThat(ingest.path("target").asText()).isEqualTo("target");
        assertThat(ingest.path("dataset").asText()).isEqualTo("churn-captures");
        assertThat(ingest.path("naValues")).extracting(JsonNode::asText).containsExactly("NA", "?");
        String key = stores.artifacts().keyOf(ingest.path("source").asText());
        assertThat(key).isEqualTo("drift/churn/retrain/" + drifted2.reportId() + ".jsonl");
        List<String> lines = new String(CaptureWindows.readAll(stores.artifacts(), key), StandardCharsets.UTF_8)
                .lines().toList();
        assertThat(lines).as("the window's non-shadow captures that had feedback").hasSize(written.retrainRows());
        for (String line : lines) {
            JsonNode row = Json.tree(line);
            assertThat(row.fieldNames()).toIterable().containsExactly("x0", "x1", "c0", "target");
            assertThat(row.path("target").asText()).isIn("yes", "no");
            assertThat(row.path("x0").asDouble()).as("no shadow rows").isLessThan(1000);
        }

        // a retried decide (its first attempt claimed the retraining) retrains, it does not cool down on itself
        clock.advance(Duration.ofMinutes(1));
        Decision retried = monitor.decide(new DecideRequest(drifted2, retrainInput));
        assertThat(retried.action()).isEqualTo("retrain");
        assertThat(retried.decisionId()).isEqualTo(retrain.decisionId());
        assertThat(retried.pipelineInput()).isEqualTo(retrain.pipelineInput());

        clock.advance(Duration.ofHours(1));
        Scored drifted3 = run(SINCE, UNTIL, 5);
        Decision cooldown = monitor.decide(new DecideRequest(drifted3, retrainInput));
        assertThat(cooldown.action()).isEqualTo("cooldown");
        assertThat(cooldown.reason()).contains("within the cooldown of 6 h");
        assertThat(cooldown.pipelineInput()).isNull();

        // the retraining promoted v2
        stores.registries().models().moveAlias(MODEL, "champion", 2, "retrained");
        clock.advance(Duration.ofMinutes(30));
        JsonNode execution = Json.tree("{\"ExecutionArn\": \"arn:aws:states:eu-west-1:1:execution:train:x\", "
                + "\"Status\": \"SUCCEEDED\"}");
        Decision outcome = monitor.outcome(new OutcomeRequest(retrain, drifted2, execution, null, null));
        assertThat(outcome.action()).isEqualTo("retrain-succeeded");
        assertThat(outcome.reason()).isEqualTo("The retraining promoted v2 (was v1).");

        List<DriftDecision> decisions = stores.registries().driftReports().decisions(MODEL, 0);
        assertThat(decisions).extracting(DriftDecision::action).as("newest first").containsExactly(
                DriftDecision.Action.RETRAIN_SUCCEEDED, DriftDecision.Action.COOLDOWN,
                DriftDecision.Action.RETRAIN_STARTED, DriftDecision.Action.NOT_CONFIGURED,
                DriftDecision.Action.NO_DRIFT);
        DriftDecision succeeded = decisions.get(0);
        assertThat(succeeded.championBefore()).isEqualTo(1);
        assertThat(succeeded.championAfter()).isEqualTo(2);
        assertThat(succeeded.execution()).isEqualTo("arn:aws:states:eu-west-1:1:execution:train:x");
        assertThat(succeeded.reportId()).isEqualTo(drifted2.reportId());
        assertThat(decisions.get(1).reportId()).isEqualTo(drifted3.reportId());

        // a retried outcome records nothing new
        monitor.outcome(new OutcomeRequest(retrain, drifted2, execution, null, null));
        assertThat(stores.registries().driftReports().decisions(MODEL, 0)).hasSize(5);
    }

    @Test
    void aFailedRetrainingIsRecordedWithItsCause() {
        registerChampion();
        CaptureWindows.writeDriftedWindow(stores.artifacts());
        Scored drifted = run(SINCE, UNTIL, 5);
        MonitorInput input = new MonitorInput(MODEL, null, null, null, null, null, null, null,
                new Retrain(Json.tree("{}"), "s3://data/churn.csv", null));
        Decision retrain = monitor.decide(new DecideRequest(drifted, input));
        assertThat(retrain.action()).isEqualTo("retrain");
        assertThat(retrain.pipelineInput().path("ingest").path("source").asText()).isEqualTo("s3://data/churn.csv");
        clock.advance(Duration.ofMinutes(5));
        Decision failed = monitor.outcome(new OutcomeRequest(retrain, drifted, null, "States.TaskFailed",
                "the train step ran out of memory"));
        assertThat(failed.action()).isEqualTo("retrain-failed");
        assertThat(failed.reason()).isEqualTo("The retraining failed: States.TaskFailed (the train step ran out of "
                + "memory)");
        assertThat(stores.registries().driftReports().decisions(MODEL, 1).get(0).championAfter()).isEqualTo(1);
    }

    @Test
    void planRefusesWhatItCannotWatch() {
        registerChampion();
        assertThatThrownBy(() -> monitor.plan(new MonitorInput(null, null, null, null, null, null, null, null, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("{\"model\": \"NAME\"}");
        assertThatThrownBy(() -> plan(UNTIL, SINCE)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must be before its end");
        assertThatThrownBy(() -> monitor.plan(new MonitorInput(MODEL, null, null, "yesterday", null, null, null, null,
                null))).isInstanceOf(InvalidInputException.class).hasMessageContaining("since must be an ISO-8601");
        Plan empty = plan(QUIET.plus(Duration.ofDays(30)), QUIET.plus(Duration.ofDays(31)));
        assertThat(empty.files()).isZero();
        assertThat(manifest(empty)).isEmpty();
    }
}
