package dev.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.flywheel.domain.AliasMove;
import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.FeatureDrift;
import dev.flywheel.domain.MetricPoint;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.Run;
import dev.flywheel.domain.RunStatus;
import dev.flywheel.json.Json;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.testing.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registries' semantics, run over every {@link MetadataTable} adapter: consecutive never-duplicated
 * version numbers, compare-and-set alias moves, no lost updates.
 */
public abstract class RegistriesContract {
    private Registries registries;

    /** A fresh, empty table. */
    protected abstract MetadataTable table();

    @BeforeEach
    void openRegistries() {
        registries = Registries.over(table(), Clock.fixed(Fixtures.T0, ZoneOffset.UTC));
    }

    @Test
    void datasets_getConsecutiveVersionsAndTheSameContentIsTheSameVersion() {
        DatasetRegistry datasets = registries.datasets();
        var first = datasets.register(Fixtures.dataset("credit-g", "content-1"));
        var second = datasets.register(Fixtures.dataset("credit-g", "content-2"));
        var again = datasets.register(Fixtures.dataset("credit-g", "content-1"));
        assertThat(first.dataset().version()).isEqualTo(1);
        assertThat(first.created()).isTrue();
        assertThat(second.dataset().version()).isEqualTo(2);
        assertThat(again.created()).isFalse();
        assertThat(again.dataset()).isEqualTo(first.dataset());
        assertThat(datasets.versions("credit-g")).extracting(d -> d.version()).containsExactly(1, 2);
        assertThat(datasets.latest("credit-g")).map(d -> d.version()).contains(2);
        assertThat(datasets.get("credit-g", 1)).isEqualTo(first.dataset());
        assertThat(datasets.names()).containsExactly("credit-g");
        assertThatThrownBy(() -> datasets.get("credit-g", 3)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("no version 3");
    }

    @Test
    void datasets_sameContentFrom8ThreadsIsOneVersion() throws Exception {
        List<DatasetRegistry.Registration> results = concurrently(8,
                i -> () -> registries.datasets().register(Fixtures.dataset("same", "identical")));
        assertThat(results).extracting(r -> r.dataset().version()).containsOnly(1);
        assertThat(results).filteredOn(DatasetRegistry.Registration::created).hasSize(1);
        assertThat(registries.datasets().versions("same")).hasSize(1);
    }

    @Test
    void models_16ThreadsRegisteringAtOnceGet16DistinctConsecutiveVersions() throws Exception {
        List<ModelVersion> registered = concurrently(16,
                i -> () -> registries.models().register(Fixtures.model("credit-risk", "run-" + i)));
        assertThat(registered).extracting(ModelVersion::version)
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 16).boxed().toList());
        assertThat(registries.models().versions("credit-risk")).extracting(ModelVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 16).boxed().toList());
        for (ModelVersion version : registered) {
            assertThat(registries.models().get("credit-risk", version.version()).runId()).isEqualTo(version.runId());
        }
        assertThat(registries.models().names()).containsExactly("credit-risk");
    }

    @Test
    void aliases_twoConcurrentMovesFromTheSameRevision_exactlyOneWins() throws Exception {
        ModelRegistry models = registries.models();
        for (int i = 1; i <= 3; i++) {
            models.register(Fixtures.model("m", "run-" + i));
        }
        ModelAlias start = models.moveAlias("m", ModelAlias.CHAMPION, 0, 1, "first");
        for (int round = 0; round < 5; round++) {
            long expected = models.alias("m", ModelAlias.CHAMPION).orElseThrow().revision();
            List<Object> outcomes = concurrently(2, i -> () -> {
                try {
                    return models.moveAlias("m", ModelAlias.CHAMPION, expected, 2 + i, "race " + i);
                } catch (AliasConflictException e) {
                    return e;
                }
            });
            assertThat(outcomes).filteredOn(ModelAlias.class::isInstance).as("winners").hasSize(1);
            assertThat(outcomes).filteredOn(AliasConflictException.class::isInstance).as("losers").hasSize(1);
            ModelAlias winner = (ModelAlias) outcomes.stream().filter(ModelAlias.class::isInstance).findFirst().get();
            assertThat(models.alias("m", ModelAlias.CHAMPION)).contains(winner);
            assertThat(winner.revision()).isEqualTo(expected + 1);
        }
        assertThat(models.aliasHistory("m", ModelAlias.CHAMPION)).hasSize(6)
                .extracting(AliasMove::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(start.revision()).isEqualTo(1);
    }

    @Test
    void rollback_walksBackTheHistoryInsteadOfToggling() {
        ModelRegistry models = registries.models();
        for (String run : List.of("run-a", "run-b", "run-c", "run-d")) {
            models.register(Fixtures.model("m", run));
        }
        models.moveAlias("m", ModelAlias.CHAMPION, 1, "v1");
        models.moveAlias("m", ModelAlias.CHAMPION, 2, "v2");
        models.moveAlias("m", ModelAlias.CHAMPION, 3, "v3");

        assertThat(models.rollback("m", ModelAlias.CHAMPION, "v3 misbehaves").version()).isEqualTo(2);
        assertThat(models.rollback("m", ModelAlias.CHAMPION, "v2 too").version()).isEqualTo(1);
        assertThatThrownBy(() -> models.rollback("m", ModelAlias.CHAMPION, "further"))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("no earlier version");
        models.moveAlias("m", ModelAlias.CHAMPION, 4, "v4");
        assertThatThrownBy(() -> models.rollback("m", ModelAlias.CHAMPION, 3, "rolled back past"))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("can roll back to [v1], not v3")
                .hasMessageContaining("use promote");
        assertThat(models.rollback("m", ModelAlias.CHAMPION, 1, "to v1").version()).isEqualTo(1);
        assertThat(models.aliasHistory("m", ModelAlias.CHAMPION)).extracting(AliasMove::rollback)
                .containsExactly(false, false, false, true, true, false, true);
    }

    @Test
    void aliases_moveOnlyToExistingVersionsAndKeepHistoryForRollback() {
        ModelRegistry models = registries.models();
        models.register(Fixtures.model("m", "run-a"));
        models.register(Fixtures.model("m", "run-b"));
        assertThatThrownBy(() -> models.moveAlias("m", ModelAlias.CHAMPION, 7, "nope"))
                .isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> models.rollback("m", ModelAlias.CHAMPION, "nothing yet"))
                .isInstanceOf(ModelNotFoundException.class);
        models.moveAlias("m", ModelAlias.CHAMPION, 1, "initial");
        assertThatThrownBy(() -> models.rollback("m", ModelAlias.CHAMPION, "only one"))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("no earlier version to go back to");
        models.moveAlias("m", ModelAlias.CHAMPION, 2, "better auc");
        assertThat(models.resolve("m", ModelAlias.CHAMPION).runId()).isEqualTo("run-b");
        ModelAlias rolledBack = models.rollback("m", ModelAlias.CHAMPION, "v2 misbehaves");
        assertThat(rolledBack.version()).isEqualTo(1);
        assertThat(models.aliasHistory("m", ModelAlias.CHAMPION))
                .extracting(AliasMove::fromVersion, AliasMove::toVersion, AliasMove::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(null, 1, "initial"),
                        org.assertj.core.groups.Tuple.tuple(1, 2, "better auc"),
                        org.assertj.core.groups.Tuple.tuple(2, 1, "v2 misbehaves"));
        assertThatThrownBy(() -> models.moveAlias("m", ModelAlias.CHAMPION, 1, 2, "stale"))
                .isInstanceOf(AliasConflictException.class).hasMessageContaining("revision 3");
        models.moveAlias("m", ModelAlias.CHALLENGER, 2, "new candidate");
        assertThat(models.aliases("m")).extracting(ModelAlias::alias)
                .containsExactly(ModelAlias.CHALLENGER, ModelAlias.CHAMPION);
    }

    @Test
    void runs_areTrackedAndNeverChangeOnceEnded() {
        RunRegistry runs = registries.runs();
        Run started = Run.start("run-1", "credit-risk", Map.of("eta", "0.1"), "0.1.0", Fixtures.lineage(), Fixtures.T0);
        runs.create(started);
        assertThatThrownBy(() -> runs.create(started)).isInstanceOf(IllegalStateException.class);
        Run finished = started.finish(Map.of("validation-auc", List.of(new MetricPoint(0, 0.7), new MetricPoint(1, 0.75))),
                Map.of("auc", 0.75), Map.of("model", "file:///m"), Fixtures.T0.plusSeconds(3));
        runs.update(finished);
        assertThat(runs.get("run-1")).isEqualTo(finished);
        assertThat(runs.list("credit-risk", 0)).containsExactly(finished);
        assertThatThrownBy(() -> runs.update(finished.fail("late", Fixtures.T0.plusSeconds(4))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FINISHED");
        assertThatThrownBy(() -> runs.get("nope")).isInstanceOf(RunNotFoundException.class);
        runs.create(Run.start("run-2", "credit-risk", Map.of(), "0.1.0", null, Fixtures.T0.plusSeconds(10)));
        assertThat(runs.list("credit-risk", 0)).extracting(Run::id).containsExactly("run-2", "run-1");
        assertThat(runs.list("credit-risk", 1)).extracting(Run::status).containsExactly(RunStatus.RUNNING);
        assertThat(runs.experiments()).containsExactly("credit-risk");
    }

    @Test
    void driftReports_listNewestFirstPerModel() {
        DriftReportRegistry reports = registries.driftReports();
        for (int i = 0; i < 3; i++) {
            Instant at = Fixtures.T0.plusSeconds(60L * i);
            reports.add(new DriftReport("r" + i, "m", 1, at, at.minusSeconds(3600), at, 500,
                    List.of(new FeatureDrift("age", "ks", 0.2 * i, 0.01, 0.1, i > 0)), i > 0, "file:///r" + i,
                    i > 0 ? "drift" : "no drift", null));
        }
        assertThat(reports.list("m", 0)).extracting(DriftReport::id).containsExactly("r2", "r1", "r0");
        assertThat(reports.get("r1").features().get(0).statistic()).isEqualTo(0.2);
        assertThat(reports.list("other", 0)).isEmpty();
    }

    @Test
    void driftDecisions_areKeptNewestFirstAndOneRetrainingPerCooldown() {
        DriftReportRegistry reports = registries.driftReports();
        Duration cooldown = Duration.ofHours(6);
        DriftDecision first = new DriftDecision("d1", "m", "r1", Fixtures.T0, DriftDecision.Action.RETRAIN_STARTED,
                "data drift", null, 1, null);
        assertThat(reports.claimRetraining(first, cooldown)).isEmpty();
        DriftDecision again = new DriftDecision("d2", "m", "r2", Fixtures.T0.plusSeconds(3600),
                DriftDecision.Action.RETRAIN_STARTED, "data drift", null, 1, null);
        assertThat(reports.claimRetraining(again, cooldown)).contains(Fixtures.T0);
        assertThat(reports.decisions("m", 0)).extracting(DriftDecision::id).containsExactly("d1");
        reports.decide(new DriftDecision("d3", "m", "r2", Fixtures.T0.plusSeconds(3600), DriftDecision.Action.COOLDOWN,
                "retrained at " + Fixtures.T0, null, 1, null));
        DriftDecision later = new DriftDecision("d4", "m", "r3", Fixtures.T0.plus(cooldown), DriftDecision.Action.RETRAIN_STARTED,
                "data drift", null, 1, null);
        assertThat(reports.claimRetraining(later, cooldown)).isEmpty();
        assertThat(reports.decisions("m", 0)).extracting(DriftDecision::id).containsExactly("d4", "d3", "d1");
        assertThat(reports.list("m", 0)).isEmpty();
        assertThat(reports.lastRetraining("m")).contains(Fixtures.T0.plus(cooldown));

        // a retraining that failed gives the claim up; releasing another decision's claim does nothing
        reports.releaseRetraining(first);
        assertThat(reports.lastRetraining("m")).contains(Fixtures.T0.plus(cooldown));
        reports.releaseRetraining(later);
        assertThat(reports.lastRetraining("m")).isEmpty();
        DriftDecision soon = new DriftDecision("d5", "m", "r4", Fixtures.T0.plus(cooldown).plusSeconds(60),
                DriftDecision.Action.RETRAIN_STARTED, "data drift", null, 1, null);
        assertThat(reports.claimRetraining(soon, cooldown)).isEmpty();
    }

    @Test
    void executions_keepTheirHistoryInOrderAndTaskTokensAnswerOnce() {
        ExecutionRegistry executions = registries.executions();
        ExecutionRecord running = new ExecutionRecord("exec-1", "training-pipeline", ExecutionStatus.RUNNING,
                Json.tree("{\"a\":1}"), null, null, null, Fixtures.T0, null, List.of());
        executions.start(running);
        for (int i = 1; i <= 12; i++) {
            executions.appendEvent("exec-1", new ExecutionEvent(i, i - 1, i == 1 ? "ExecutionStarted" : "PassStateEntered",
                    Fixtures.T0.plusMillis(i), Json.object().put("n", i)));
        }
        executions.finish(new ExecutionRecord("exec-1", "training-pipeline", ExecutionStatus.SUCCEEDED,
                running.input(), Json.tree("{\"ok\":true}"), null, null, Fixtures.T0, Fixtures.T0.plusSeconds(2), List.of()));
        ExecutionRecord stored = executions.get("exec-1");
        assertThat(stored.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(stored.output().path("ok").asBoolean()).isTrue();
        assertThat(stored.events()).extracting(ExecutionEvent::id)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 12).mapToObj(Long::valueOf).toList());
        assertThat(executions.list(0)).extracting(ExecutionRecord::id).containsExactly("exec-1");

        executions.createTaskToken("tok-0", "exec-1", "Approve", Fixtures.T0);
        assertThatThrownBy(() -> executions.succeedTaskToken("tok-0", TextNode.valueOf("approved")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exec-1 is not waiting: it is SUCCEEDED");
        executions.start(new ExecutionRecord("exec-2", "training-pipeline", ExecutionStatus.RUNNING, null, null, null,
                null, Fixtures.T0, null, List.of()));
        executions.createTaskToken("tok-1", "exec-2", "Approve", Fixtures.T0);
        executions.succeedTaskToken("tok-1", TextNode.valueOf("approved"));
        assertThat(executions.findTaskToken("tok-1").orElseThrow().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThatThrownBy(() -> executions.failTaskToken("tok-1", "Rejected", "too late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered already");
        assertThatThrownBy(() -> executions.succeedTaskToken("missing", null)).isInstanceOf(NotFoundException.class);
    }

    private static <T> List<T> concurrently(int threads, java.util.function.IntFunction<Callable<T>> task)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> body = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return body.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
