package dev.flywheel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.flywheel.json.Json;
import dev.flywheel.statistics.CategoricalWindow;
import dev.flywheel.statistics.NumericWindow;
import dev.flywheel.statistics.PerformanceWindow;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The statistics module's window accumulators as the monitor uses them: merged across partitions and written
 * between steps as JSON (the project's Jackson configuration, which the statistics module does not have, hence
 * this test lives here).
 */
class StatisticsWindowsTest {
    private static final double[] EDGES = {-1, 0, 1};

    private static <T> T roundTrip(Object state, Class<T> type) {
        return Json.read(Json.write(state), type);
    }

    @Test
    void numericWindow_mergeAndStateRoundTrip() {
        NumericWindow a = new NumericWindow(EDGES);
        NumericWindow b = new NumericWindow(EDGES);
        NumericWindow all = new NumericWindow(EDGES);
        double[] values = {-2, -0.5, 0.5, 2, Double.NaN, 0, 1, 3, Double.NaN, -1};
        for (int i = 0; i < values.length; i++) {
            (i % 3 == 0 ? a : b).add(values[i]);
            all.add(values[i]);
        }
        NumericWindow merged = NumericWindow.of(EDGES, roundTrip(a.state(), NumericWindow.State.class));
        merged.merge(NumericWindow.of(EDGES, roundTrip(b.state(), NumericWindow.State.class)));
        assertThat(merged.count()).isEqualTo(10);
        assertThat(merged.missing()).isEqualTo(2);
        assertThat(merged.missingRate()).isEqualTo(0.2);
        // bins: (-inf, -1], (-1, 0], (0, 1], (1, inf) as NumericTests.bin places them
        assertThat(merged.binCounts()).containsExactly(all.binCounts());
        assertThat(java.util.Arrays.stream(merged.binCounts()).sum()).isEqualTo(8);
        assertThat(merged.distribution().exact()).isTrue();
        assertThat(merged.distribution().count()).isEqualTo(8);
        assertThat(merged.distribution().quantile(0.5)).isEqualTo(all.distribution().quantile(0.5));
        // a restored window keeps accumulating
        merged.add(10);
        assertThat(merged.distribution().count()).isEqualTo(9);
        assertThat(merged.binCounts()[3]).isEqualTo(all.binCounts()[3] + 1);
    }

    @Test
    void numericWindow_emptyStateRoundTripsAndRefusesOtherBins() {
        NumericWindow empty = NumericWindow.of(EDGES, roundTrip(new NumericWindow(EDGES).state(),
                NumericWindow.State.class));
        assertThat(empty.count()).isZero();
        assertThat(empty.missingRate()).isZero();
        empty.add(0.5);
        assertThat(empty.distribution().count()).isEqualTo(1);
        NumericWindow.State state = new NumericWindow(EDGES).state();
        assertThatThrownBy(() -> NumericWindow.of(new double[]{0}, state))
                .hasMessageContaining("4 bins").hasMessageContaining("baseline of 2");
        assertThatThrownBy(() -> new NumericWindow(EDGES).merge(new NumericWindow(new double[]{0})))
                .hasMessageContaining("different baseline bins");
    }

    @Test
    void numericWindow_sketchedStateRoundTrip() {
        NumericWindow w = new NumericWindow(EDGES);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 3 * NumericWindow.EXACT_LIMIT; i++) {
            w.add(MonitoredModel.gaussian(r));
        }
        NumericWindow back = NumericWindow.of(EDGES, roundTrip(w.state(), NumericWindow.State.class));
        assertThat(back.distribution().exact()).isFalse();
        assertThat(back.count()).isEqualTo(w.count());
        for (double x : new double[]{-1, 0, 1}) {
            assertThat(back.distribution().cdf(x)).isEqualTo(w.distribution().cdf(x));
        }
        back.add(0);
        assertThat(back.distribution().count()).isEqualTo(w.count() + 1);
    }

    @Test
    void categoricalWindow_mergeAndStateRoundTrip() {
        Map<String, Long> baseline = Map.of("a", 5L, "b", 3L, "", 2L);
        CategoricalWindow a = new CategoricalWindow(baseline);
        CategoricalWindow b = new CategoricalWindow(baseline);
        a.add("a");
        a.add("z");
        a.add(null);
        b.add("a", 3);
        b.add("");
        b.add("b");
        CategoricalWindow merged = CategoricalWindow.of(baseline, roundTrip(a.state(), CategoricalWindow.State.class));
        merged.merge(CategoricalWindow.of(baseline, roundTrip(b.state(), CategoricalWindow.State.class)));
        assertThat(merged.count()).isEqualTo(8);
        assertThat(merged.missing()).isEqualTo(2);
        assertThat(merged.missingRate()).isEqualTo(0.25);
        assertThat(merged.unseen()).as("z is not in the baseline").isEqualTo(1);
        assertThat(merged.frequencies()).containsExactly(Map.entry("a", 4L), Map.entry("b", 1L),
                Map.entry("z", 1L));
    }

    @Test
    void categoricalWindow_isBoundedByMaxCategories() {
        CategoricalWindow w = new CategoricalWindow(Map.of());
        int extra = 500;
        for (int i = 0; i < CategoricalWindow.MAX_CATEGORIES + extra; i++) {
            w.add("id-" + i);
        }
        w.add("id-0");
        Map<String, Long> f = w.frequencies();
        assertThat(f).hasSizeLessThanOrEqualTo(CategoricalWindow.MAX_CATEGORIES + 1);
        assertThat(f.get(CategoricalWindow.OVERFLOW)).isEqualTo(extra);
        assertThat(f.get("id-0")).as("a value counted before the bound keeps its own count").isEqualTo(2);
        assertThat(f.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(w.count());

        CategoricalWindow x = new CategoricalWindow(Map.of());
        CategoricalWindow y = new CategoricalWindow(Map.of());
        for (int i = 0; i < 6000; i++) {
            x.add("x-" + i);
            y.add("y-" + i);
        }
        x.merge(CategoricalWindow.of(Map.of(), roundTrip(y.state(), CategoricalWindow.State.class)));
        assertThat(x.frequencies()).hasSizeLessThanOrEqualTo(CategoricalWindow.MAX_CATEGORIES + 1);
        assertThat(x.frequencies().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12000);
        assertThat(x.frequencies().get(CategoricalWindow.OVERFLOW)).isEqualTo(2000);
    }

    @Test
    void performanceWindow_aucAgainstAnExactMannWhitney() {
        SplittableRandom r = new SplittableRandom(99);
        int n = 4000;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        PerformanceWindow[] parts = {new PerformanceWindow(PerformanceWindow.Kind.BINARY),
                new PerformanceWindow(PerformanceWindow.Kind.BINARY)};
        long correct = 0;
        for (int i = 0; i < n; i++) {
            positive[i] = r.nextDouble() < 0.3;
            double z = (positive[i] ? 0.8 : 0) + MonitoredModel.gaussian(r);
            scores[i] = 1 / (1 + Math.exp(-z));
            boolean right = (scores[i] >= 0.5) == positive[i];
            correct += right ? 1 : 0;
            parts[i % 2].addBinary(scores[i], positive[i], right);
        }
        PerformanceWindow merged = PerformanceWindow.of(roundTrip(parts[0].state(), PerformanceWindow.State.class));
        merged.merge(PerformanceWindow.of(roundTrip(parts[1].state(), PerformanceWindow.State.class)));

        double wins = 0;
        long pos = 0;
        long neg = 0;
        long[] posBins = new long[PerformanceWindow.SCORE_BINS];
        long[] negBins = new long[PerformanceWindow.SCORE_BINS];
        for (int i = 0; i < n; i++) {
            int bin = (int) Math.min(PerformanceWindow.SCORE_BINS - 1, Math.floor(scores[i] * PerformanceWindow.SCORE_BINS));
            if (positive[i]) {
                pos++;
                posBins[bin]++;
                for (int j = 0; j < n; j++) {
                    if (!positive[j]) {
                        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            } else {
                neg++;
                negBins[bin]++;
            }
        }
        double exact = wins / ((double) pos * neg);
        double sameBinPairs = 0;
        for (int b = 0; b < posBins.length; b++) {
            sameBinPairs += (double) posBins[b] * negBins[b];
        }
        double bound = 0.5 * sameBinPairs / ((double) pos * neg);
        System.out.printf("AUC exact %.6f, binned %.6f, bound %.2e%n", exact, merged.value(), bound);
        assertThat(merged.metric()).isEqualTo("auc");
        assertThat(merged.rows()).isEqualTo(n);
        assertThat(exact).isBetween(0.6, 0.8);
        assertThat(merged.value()).isCloseTo(exact, within(bound + 1e-12));
        assertThat(bound).as("smooth scores: at most about 1/SCORE_BINS of the pairs share a bin")
                .isLessThan(2.0 / PerformanceWindow.SCORE_BINS);
    }

    @Test
    void performanceWindow_aucIsUndefinedWithOneClass() {
        PerformanceWindow w = new PerformanceWindow(PerformanceWindow.Kind.BINARY);
        w.addBinary(0.9, true, true);
        w.addBinary(0.2, true, false);
        assertThat(w.value()).isNull();
        assertThat(new PerformanceWindow(PerformanceWindow.Kind.BINARY).value()).isNull();
    }

    @Test
    void performanceWindow_accuracyAndRmseMergeAndRoundTrip() {
        PerformanceWindow a = new PerformanceWindow(PerformanceWindow.Kind.MULTICLASS);
        PerformanceWindow b = new PerformanceWindow(PerformanceWindow.Kind.MULTICLASS);
        a.addLabel(true);
        a.addLabel(false);
        b.addLabel(true);
        b.addLabel(true);
        PerformanceWindow acc = PerformanceWindow.of(roundTrip(a.state(), PerformanceWindow.State.class));
        acc.merge(PerformanceWindow.of(roundTrip(b.state(), PerformanceWindow.State.class)));
        assertThat(acc.metric()).isEqualTo("accuracy");
        assertThat(acc.value()).isEqualTo(0.75);

        PerformanceWindow r1 = new PerformanceWindow(PerformanceWindow.Kind.REGRESSION);
        PerformanceWindow r2 = new PerformanceWindow(PerformanceWindow.Kind.REGRESSION);
        r1.addValue(1, 2);   // error 1
        r1.addValue(5, 2);   // error 3
        r2.addValue(0, 0);   // error 0
        r2.addValue(-1, 1);  // error 2
        PerformanceWindow rmse = PerformanceWindow.of(roundTrip(r1.state(), PerformanceWindow.State.class));
        rmse.merge(PerformanceWindow.of(roundTrip(r2.state(), PerformanceWindow.State.class)));
        assertThat(rmse.metric()).isEqualTo("rmse");
        assertThat(rmse.value()).isCloseTo(Math.sqrt((1 + 9 + 0 + 4) / 4.0), within(1e-12));

        assertThatThrownBy(() -> acc.merge(rmse)).hasMessageContaining("cannot merge REGRESSION performance into "
                + "MULTICLASS");
        PerformanceWindow.State bad = new PerformanceWindow.State(PerformanceWindow.Kind.BINARY, 1, 1, 0,
                new long[]{PerformanceWindow.SCORE_BINS, 1}, new long[0]);
        assertThatThrownBy(() -> PerformanceWindow.of(bad)).hasMessageContaining("outside 0..");
    }
}
