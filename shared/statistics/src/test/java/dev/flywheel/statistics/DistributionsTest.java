package dev.flywheel.statistics;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The distributions, binning and the edge cases of the statistics, on small hand-checked inputs. */
class DistributionsTest {

    @Test
    void exactDistributionCopiesDropsNaNAndSorts() {
        double[] values = {3, Double.NaN, 1, 2, 2};
        ExactDistribution d = ExactDistribution.of(values);
        values[0] = 99;
        assertThat(d.sorted()).containsExactly(1, 2, 2, 3);
        assertThat(d.count()).isEqualTo(4);
        assertThat(d.support()).containsExactly(1, 2, 3);
        assertThat(d.cdf(0.5)).isZero();
        assertThat(d.cdf(2)).isEqualTo(0.75);
        assertThat(d.cdf(new double[] {0, 1, 1.5, 2, 3, 4})).containsExactly(0, 0.25, 0.25, 0.75, 1, 1);
        assertThat(d.quantile(0)).isEqualTo(1);
        assertThat(d.quantile(0.25)).isEqualTo(1);
        assertThat(d.quantile(0.26)).isEqualTo(2);
        assertThat(d.quantile(1)).isEqualTo(3);
        assertThat(d.mean()).isEqualTo(2);
        assertThat(d.std()).isCloseTo(Math.sqrt(0.5), within(1e-15));
        assertThat(d.exact()).isTrue();
        assertThat(d.rankError()).isZero();
        assertThatThrownBy(() -> d.quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyDistributionsGiveNaN() {
        ExactDistribution empty = ExactDistribution.of(new double[] {Double.NaN});
        assertThat(empty.count()).isZero();
        assertThat(empty.cdf(1)).isNaN();
        assertThat(empty.mean()).isNaN();
        assertThat(NumericTests.ks(empty, ExactDistribution.of(new double[] {1})).pValue()).isNaN();
        assertThat(NumericTests.wasserstein(empty, ExactDistribution.of(new double[] {1}))).isNaN();
        assertThat(NumericTests.binEdges(empty, 10)).isEmpty();
        SketchDistribution emptySketch = new SketchDistribution(Fixtures.losslessSketch(new double[0]));
        assertThat(emptySketch.count()).isZero();
        assertThat(emptySketch.support()).isEmpty();
        assertThat(emptySketch.quantile(0.5)).isNaN();
    }

    @Test
    void sketchDistributionReadsTheSortedViewWeights() {
        double[] values = Fixtures.normal(new SplittableRandom(7), 100_000, 5, 2);
        ExactDistribution exact = ExactDistribution.of(values);
        SketchDistribution sketch = new SketchDistribution(Fixtures.productionSketch(values));
        assertThat(sketch.exact()).isFalse();
        assertThat(sketch.count()).isEqualTo(100_000);
        assertThat(sketch.rankError()).isEqualTo(sketch.sketch().getNormalizedRankError(false)).isBetween(0.01, 0.02);
        // the retained items, plus the exact min and max that DataSketches' sorted view carries
        assertThat(sketch.support().length).isBetween(sketch.sketch().getNumRetained(), 5000);
        assertThat(sketch.support()).contains(exact.quantile(0), exact.quantile(1)).isSorted();
        // the weighted items' mean is off by |integral of (F~ - F)|, at most the sketch's Wasserstein error,
        // held to 0.02 sd as in SketchAccuracyTest (sd = 2 here; measured: 0.028 for the mean)
        assertThat(sketch.mean()).isCloseTo(exact.mean(), within(0.04));
        assertThat(sketch.std()).isCloseTo(exact.std(), within(0.04));
        for (double rank : new double[] {0.1, 0.5, 0.9}) {
            assertThat(exact.cdf(sketch.quantile(rank))).isCloseTo(rank, within(sketch.rankError()));
        }
    }

    @Test
    void binEdgesAreTheDistinctInteriorQuantiles() {
        double[] oneToHundred = new double[100];
        for (int i = 0; i < 100; i++) {
            oneToHundred[i] = i + 1;
        }
        assertThat(NumericTests.binEdges(ExactDistribution.of(oneToHundred), 10))
                .containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90);
        assertThat(NumericTests.binEdges(ExactDistribution.of(new double[] {0, 0, 0, 0, 0, 0, 0, 1, 2, 2}), 10))
                .containsExactly(0, 1, 2);
        assertThat(NumericTests.binEdges(ExactDistribution.of(oneToHundred), 1)).isEmpty();
    }

    @Test
    void binFollowsTheEdgesUpperInclusive() {
        double[] edges = {10, 20, 30};
        assertThat(NumericTests.bin(edges, -1e300)).isZero();
        assertThat(NumericTests.bin(edges, 10)).isZero();
        assertThat(NumericTests.bin(edges, Math.nextUp(10.0))).isEqualTo(1);
        assertThat(NumericTests.bin(edges, 20)).isEqualTo(1);
        assertThat(NumericTests.bin(edges, 25)).isEqualTo(2);
        assertThat(NumericTests.bin(edges, 30)).isEqualTo(2);
        assertThat(NumericTests.bin(edges, 31)).isEqualTo(3);
        assertThat(NumericTests.bin(new double[0], 5)).isZero();
        // deciles of the baseline put about a tenth of it in each bin
        double[] values = Fixtures.normal(new SplittableRandom(3), 10_000, 0, 1);
        double[] deciles = NumericTests.binEdges(ExactDistribution.of(values), 10);
        long[] counts = new long[deciles.length + 1];
        for (double v : values) {
            counts[NumericTests.bin(deciles, v)]++;
        }
        assertThat(counts).hasSize(10).containsOnly(1000);
        assertThat(NumericTests.psi(new double[] {.1, .1, .1, .1, .1, .1, .1, .1, .1, .1}, counts))
                .isCloseTo(0, within(1e-15));
    }

    @Test
    void psiEdgeCases() {
        assertThat(NumericTests.psi(new double[] {0.5, 0.5}, new long[] {0, 0})).isNaN();
        assertThatThrownBy(() -> NumericTests.psi(new double[] {1}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
        // all current values in a bin the baseline never saw: finite thanks to the floor
        double psi = NumericTests.psi(new double[] {1, 0}, new long[] {0, 10});
        assertThat(psi).isCloseTo(2 * (1 - 1e-4) * Math.log(1 / 1e-4), within(1e-12));
    }

    @Test
    void categoricalEdgeCases() {
        assertThat(CategoricalTests.chiSquarePValue(Map.of("a", 10L), Map.of("a", 3L))).isEqualTo(1.0);
        assertThat(CategoricalTests.chiSquarePValue(Map.of("a", 10L, "b", 0L), Map.of("a", 3L))).isEqualTo(1.0);
        assertThat(CategoricalTests.chiSquarePValue(Map.of("a", 10L, "b", 4L), Map.of())).isNaN();
        assertThat(CategoricalTests.jensenShannon(Map.of("a", 10L, "b", 4L), Map.of("a", 20L, "b", 8L)))
                .isCloseTo(0, within(1e-12));
        assertThat(CategoricalTests.jensenShannon(Map.of("a", 10L), Map.of("b", 3L)))
                .isCloseTo(Math.sqrt(Math.log(2)), within(1e-15));
    }

    @Test
    void binCountsEdgesBelow_whetherItCountsOrSearches() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int edgesCount : new int[] {0, 1, 9, 16, 17, 40}) {
            double[] edges = random.doubles(edgesCount, -3, 3).sorted().distinct().toArray();
            for (int i = 0; i < 2_000; i++) {
                double x = i % 100 == 0 && edges.length > 0 ? edges[i % edges.length] : random.nextGaussian() * 2;
                long expected = java.util.Arrays.stream(edges).filter(e -> e < x).count();
                assertThat(NumericTests.bin(edges, x)).as("x=%s among %d edges", x, edges.length)
                        .isEqualTo((int) expected);
            }
            assertThat(NumericTests.bin(edges, Double.NaN)).isZero();
        }
    }
}
