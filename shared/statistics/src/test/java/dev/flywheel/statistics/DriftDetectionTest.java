package dev.flywheel.statistics;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeded synthetic drift is detected; seeded windows without drift are rarely flagged. */
class DriftDetectionTest {
    private static final double ALPHA = 0.05;
    private static final String[] CATEGORIES = {"a", "b", "c", "d", "e"};
    private static final double[] MIX = {0.35, 0.25, 0.2, 0.12, 0.08};

    @Test
    void meanShiftOfAThirdOfASdIsDetected() {
        SplittableRandom r = new SplittableRandom(101);
        ExactDistribution baseline = ExactDistribution.of(Fixtures.normal(r, 500, 0, 1));
        ExactDistribution current = ExactDistribution.of(Fixtures.normal(r, 500, 0.3, 1));
        NumericTests.Ks ks = NumericTests.ks(baseline, current);
        System.out.printf("mean shift 0.3 sd: D %.4f p %.3g, W %.4f%n", ks.statistic(), ks.pValue(),
                NumericTests.wasserstein(baseline, current));
        assertThat(ks.pValue()).isLessThan(ALPHA);
        assertThat(NumericTests.wasserstein(baseline, current)).isBetween(0.15, 0.45);
    }

    @Test
    void varianceChangeIsDetected() {
        SplittableRandom r = new SplittableRandom(202);
        ExactDistribution baseline = ExactDistribution.of(Fixtures.normal(r, 500, 0, 1));
        ExactDistribution current = ExactDistribution.of(Fixtures.normal(r, 500, 0, 1.5));
        NumericTests.Ks ks = NumericTests.ks(baseline, current);
        double[] edges = NumericTests.binEdges(baseline, 10);
        double psi = NumericTests.psi(proportions(baseline.sorted(), edges), counts(current.sorted(), edges));
        System.out.printf("sd x1.5: D %.4f p %.3g, PSI %.3f%n", ks.statistic(), ks.pValue(), psi);
        assertThat(ks.pValue()).isLessThan(ALPHA);
        assertThat(psi).isGreaterThan(0.1);
    }

    @Test
    void categoryMixChangeIsDetected() {
        SplittableRandom r = new SplittableRandom(303);
        Map<String, Long> baseline = frequencies(r, 500, MIX);
        Map<String, Long> current = frequencies(r, 500, new double[] {0.25, 0.25, 0.2, 0.18, 0.12});
        double p = CategoricalTests.chiSquarePValue(baseline, current);
        double js = CategoricalTests.jensenShannon(baseline, current);
        System.out.printf("category mix change: chi2 p %.3g, JS %.4f%n", p, js);
        assertThat(p).isLessThan(ALPHA);
        assertThat(js).isGreaterThan(0.05);
    }

    /**
     * 100 windows of 500 rows, 10 numeric and 10 categorical features each, against a baseline of 2000 rows from
     * the same distributions: 1000 comparisons per test. A valid test flags each with probability at most 5%, so
     * the observed rate is 5% give or take binomial noise, sd sqrt(0.05 * 0.95 / 1000) = 0.7 points: the rate is
     * held below 5% + 3 sd = 7.1% (a test calibrated at 5% cannot promise "at most 5%" for a finite sample), and
     * above 1% so that a test that never flags fails here too.
     */
    @Test
    void noDriftWindowsAreRarelyFlagged() {
        int windows = 100;
        int features = 10;
        SplittableRandom r = new SplittableRandom(404);
        ExactDistribution[] numericBaselines = new ExactDistribution[features];
        double[] scales = new double[features];
        Map<String, Long>[] categoricalBaselines = frequencyArray(features);
        double[][] mixes = new double[features][];
        for (int f = 0; f < features; f++) {
            scales[f] = 1 + f;
            numericBaselines[f] = ExactDistribution.of(sample(r, f, 2000, scales[f]));
            mixes[f] = f % 2 == 0 ? MIX : new double[] {0.6, 0.3, 0.1};
            categoricalBaselines[f] = frequencies(r, 2000, mixes[f]);
        }
        int ksFlags = 0;
        int chiFlags = 0;
        for (int w = 0; w < windows; w++) {
            for (int f = 0; f < features; f++) {
                ExactDistribution window = ExactDistribution.of(sample(r, f, 500, scales[f]));
                ksFlags += NumericTests.ks(numericBaselines[f], window).pValue() < ALPHA ? 1 : 0;
                chiFlags += CategoricalTests.chiSquarePValue(categoricalBaselines[f], frequencies(r, 500, mixes[f]))
                        < ALPHA ? 1 : 0;
            }
        }
        double comparisons = windows * features;
        double ksRate = ksFlags / comparisons;
        double chiRate = chiFlags / comparisons;
        double ceiling = ALPHA + 3 * Math.sqrt(ALPHA * (1 - ALPHA) / comparisons);
        System.out.printf("no drift: KS flagged %.1f%%, chi-square %.1f%% of %d comparisons at p < %.2f%n",
                100 * ksRate, 100 * chiRate, (int) comparisons, ALPHA);
        assertThat(ksRate).isBetween(0.01, ceiling);
        assertThat(chiRate).isBetween(0.01, ceiling);
    }

    /** Feature f: normal for even f, exponential (skewed) for odd f. */
    private static double[] sample(SplittableRandom r, int f, int n, double scale) {
        if (f % 2 == 0) {
            return Fixtures.normal(r, n, 10, scale);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = -scale * Math.log(1 - r.nextDouble());
        }
        return out;
    }

    private static Map<String, Long> frequencies(SplittableRandom r, int n, double[] mix) {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int c = 0;
            while (c < mix.length - 1 && u >= mix[c]) {
                u -= mix[c];
                c++;
            }
            counts.merge(CATEGORIES[c], 1L, Long::sum);
        }
        return counts;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long>[] frequencyArray(int n) {
        return new Map[n];
    }

    private static long[] counts(double[] values, double[] edges) {
        long[] counts = new long[edges.length + 1];
        for (double v : values) {
            counts[NumericTests.bin(edges, v)]++;
        }
        return counts;
    }

    private static double[] proportions(double[] values, double[] edges) {
        long[] counts = counts(values, edges);
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = (double) counts[i] / values.length;
        }
        return out;
    }
}
