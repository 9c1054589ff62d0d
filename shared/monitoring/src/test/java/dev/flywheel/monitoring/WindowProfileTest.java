package dev.flywheel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.flywheel.json.Json;
import dev.flywheel.monitoring.MonitoredModel.Shape;
import dev.flywheel.statistics.EmpiricalDistribution;
import dev.flywheel.statistics.NumericWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Windows profiled in partitions, written between the Map's iterations and merged, equal one pass over all rows. */
class WindowProfileTest {
    private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
    private final ModelBaseline baseline = MonitoredModel.binary(2000);

    private record Row(Map<String, Object> features, double score, boolean positive, Instant at) {
    }

    private static List<Row> rows(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean positive = r.nextDouble() < 0.4;
            double score = Math.min(1, Math.max(0, (positive ? 0.65 : 0.35) + 0.2 * MonitoredModel.gaussian(r)));
            rows.add(new Row(MonitoredModel.row(r, Shape.BASELINE.withX0(0.2, 1.1)), score, positive,
                    T.plusSeconds(i)));
        }
        return rows;
    }

    private WindowProfile profile(List<Row> rows) {
        WindowProfile w = new WindowProfile(baseline);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            w.add(row.features(), row.at());
            w.addPrediction(MonitoredModel.prediction(row.score()));
            if (i % 2 == 0) {
                assertThat(w.addOutcome(MonitoredModel.prediction(row.score()), row.positive() ? "yes" : "no", null))
                        .isTrue();
            }
        }
        return w;
    }

    /** Profiles rows split in three (uneven) partitions, each through state() -> JSON -> of(), and merges them. */
    private WindowProfile partitioned(List<Row> rows) {
        int a = rows.size() / 5;
        int b = rows.size() / 2;
        WindowProfile merged = new WindowProfile(baseline);
        for (List<Row> part : List.of(rows.subList(0, a), rows.subList(a, b), rows.subList(b, rows.size()))) {
            WindowProfile p = profile(part);
            String json = Json.write(p.state());
            merged.merge(WindowProfile.of(baseline, Json.read(json, WindowProfile.State.class)));
        }
        return merged;
    }

    @Test
    void mergedPartitionsEqualOnePass_exactWindow() {
        List<Row> rows = rows(11, 3000);
        WindowProfile one = profile(rows);
        WindowProfile merged = partitioned(rows);
        assertSameCounts(merged, one);
        for (String f : List.of("x0", "x1")) {
            EmpiricalDistribution d1 = one.numeric().get(f).distribution();
            EmpiricalDistribution d2 = merged.numeric().get(f).distribution();
            assertThat(d1.exact()).isTrue();
            assertThat(d2.exact()).as("3000 values stay exact through the merge").isTrue();
            for (double q : new double[]{0.01, 0.1, 0.5, 0.9, 0.99}) {
                assertThat(d2.quantile(q)).isEqualTo(d1.quantile(q));
            }
        }
        assertThat(merged.performance().value()).isEqualTo(one.performance().value());
    }

    @Test
    void mergedPartitionsEqualOnePass_sketchedWindow() {
        List<Row> rows = rows(12, 3 * NumericWindow.EXACT_LIMIT);
        WindowProfile one = profile(rows);
        WindowProfile merged = partitioned(rows);
        assertSameCounts(merged, one);
        for (String f : List.of("x0", "x1")) {
            EmpiricalDistribution d1 = one.numeric().get(f).distribution();
            EmpiricalDistribution d2 = merged.numeric().get(f).distribution();
            assertThat(d1.exact()).isFalse();
            assertThat(d2.exact()).isFalse();
            double error = d1.rankError() + d2.rankError();
            for (double x : new double[]{-2, -1, 0, 0.5, 1, 3, 5, 7}) {
                assertThat(d2.cdf(x)).as("%s cdf(%s)", f, x).isCloseTo(d1.cdf(x), within(error));
            }
        }
        EmpiricalDistribution p1 = one.predictionValues().distribution();
        EmpiricalDistribution p2 = merged.predictionValues().distribution();
        assertThat(p2.cdf(0.5)).isCloseTo(p1.cdf(0.5), within(p1.rankError() + p2.rankError()));
    }

    private static void assertSameCounts(WindowProfile merged, WindowProfile one) {
        assertThat(merged.rows()).isEqualTo(one.rows());
        assertThat(merged.predictions()).isEqualTo(one.predictions());
        for (String f : List.of("x0", "x1")) {
            NumericWindow a = merged.numeric().get(f);
            NumericWindow b = one.numeric().get(f);
            assertThat(a.count()).as(f).isEqualTo(b.count());
            assertThat(a.missing()).as(f).isEqualTo(b.missing());
            assertThat(a.missingRate()).as(f).isEqualTo(b.missingRate());
            assertThat(a.binCounts()).as(f).containsExactly(b.binCounts());
        }
        assertThat(merged.numeric().get("x1").missing()).as("both null and the NA token are missing").isPositive();
        assertThat(merged.categorical().get("c0").frequencies()).isEqualTo(one.categorical().get("c0").frequencies());
        assertThat(merged.categorical().get("c0").missingRate()).isEqualTo(one.categorical().get("c0").missingRate());
        assertThat(merged.predictionValues().binCounts()).containsExactly(one.predictionValues().binCounts());
        assertThat(merged.performance().rows()).isEqualTo(one.performance().rows()).isPositive();
        assertThat(merged.performance().value()).isCloseTo(one.performance().value(), within(1e-12));
        assertThat(merged.state().first()).isEqualTo(one.state().first());
        assertThat(merged.state().last()).isEqualTo(one.state().last());
    }

    @Test
    void exactBufferSwitchesToTheSketchAboveTheLimit() {
        NumericWindow w = new NumericWindow(baseline.profile().features().get("x0").bins());
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < NumericWindow.EXACT_LIMIT; i++) {
            w.add(MonitoredModel.gaussian(r));
        }
        assertThat(w.distribution().exact()).isTrue();
        assertThat(w.distribution().count()).isEqualTo(NumericWindow.EXACT_LIMIT);
        assertThat(w.state().exact()).hasSize(NumericWindow.EXACT_LIMIT);
        w.add(MonitoredModel.gaussian(r));
        assertThat(w.distribution().exact()).isFalse();
        assertThat(w.distribution().count()).isEqualTo(NumericWindow.EXACT_LIMIT + 1);
        assertThat(w.state().exact()).as("the state carries no exact values once overflowed").isNull();
        assertThat(w.distribution().quantile(0.5)).isCloseTo(0, within(0.1));
    }

    @Test
    void twoExactPartialsThatTogetherExceedTheLimitMergeIntoTheSketch() {
        double[] edges = baseline.profile().features().get("x0").bins();
        NumericWindow a = new NumericWindow(edges);
        NumericWindow b = new NumericWindow(edges);
        for (int i = 0; i < 3000; i++) {
            a.add(i);
            b.add(-i);
        }
        a.merge(b);
        assertThat(a.count()).isEqualTo(6000);
        assertThat(a.distribution().exact()).isFalse();
        assertThat(a.distribution().cdf(0)).isCloseTo(0.5, within(a.distribution().rankError() + 1e-3));
    }

    @Test
    void aPartialOfAnotherVersionIsRefused() {
        WindowProfile w = profile(rows(13, 10));
        ModelBaseline v2 = MonitoredModel.baseline("churn", 2, baseline.pipeline(), baseline.profile(),
                Map.of());
        WindowProfile.State state = Json.read(Json.write(w.state()), WindowProfile.State.class);
        assertThatThrownBy(() -> WindowProfile.of(v2, state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partial window of churn v1")
                .hasMessageContaining("baseline of churn v2");
        ModelBaseline other = MonitoredModel.baseline("fraud", 1, baseline.pipeline(), baseline.profile(), Map.of());
        assertThatThrownBy(() -> WindowProfile.of(other, state))
                .hasMessageContaining("churn v1").hasMessageContaining("fraud v1");
    }
}
