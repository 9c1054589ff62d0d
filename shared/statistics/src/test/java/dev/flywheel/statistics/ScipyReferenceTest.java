package dev.flywheel.statistics;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.flywheel.statistics.Fixtures.cases;
import static dev.flywheel.statistics.Fixtures.close;
import static dev.flywheel.statistics.Fixtures.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The statistics against scipy's answers in fixtures/scipy-reference.json (made by src/test/python/make_fixtures.py). */
class ScipyReferenceTest {

    @Test
    void fixtureRecordsItsProvenanceAndCoversTheAgreedSizes() {
        Map<String, Object> doc = Fixtures.scipyReference();
        assertThat(doc.get("numpy")).asString().isNotBlank();
        assertThat(doc.get("scipy")).asString().isNotBlank();
        assertThat(doc.get("psi_floor")).isEqualTo(NumericTests.PSI_FLOOR);
        assertThat(cases("numeric")).extracting(c -> doubles(c.get("a")).length + "x" + doubles(c.get("b")).length)
                .contains("50x60", "300x400", "2000x3000", "5000x4000", "12000x11000");
    }

    @Test
    void ksOfExactSamplesIsScipys() {
        for (Map<String, Object> c : cases("numeric")) {
            NumericTests.Ks ks = NumericTests.ks(ExactDistribution.of(doubles(c.get("a"))),
                    ExactDistribution.of(doubles(c.get("b"))));
            assertThat(ks.statistic()).as("%s D", c.get("name")).isCloseTo((Double) c.get("ks_statistic"), within(1e-6));
            assertThat(ks.pValue()).as("%s p", c.get("name")).isCloseTo((Double) c.get("ks_pvalue"), within(1e-6));
            assertThat(close(ks.pValue(), (Double) c.get("ks_pvalue"), 1e-6, 1e-15)).as("%s p, relative", c.get("name"))
                    .isTrue();
            assertThat(ks.exact()).isTrue();
            assertThat(ks.errorBound()).isZero();
        }
    }

    /**
     * The sketch path, fed sketches that hold every value (so D must be the exact one): D is scipy's, and the
     * p-value is the limiting Kolmogorov distribution's at D less the error bound.
     */
    @Test
    void ksWithASketchUsesTheUnionSupportAndTheKolmogorovLimit() {
        for (Map<String, Object> c : cases("numeric")) {
            double[] a = doubles(c.get("a"));
            double[] b = doubles(c.get("b"));
            KllDoublesSketch sa = Fixtures.losslessSketch(a);
            KllDoublesSketch sb = Fixtures.losslessSketch(b);
            assertThat(sa.isEstimationMode() || sb.isEstimationMode()).isFalse();
            for (NumericTests.Ks ks : List.of(
                    NumericTests.ks(ExactDistribution.of(a), new SketchDistribution(sb)),
                    NumericTests.ks(new SketchDistribution(sa), ExactDistribution.of(b)),
                    NumericTests.ks(new SketchDistribution(sa), new SketchDistribution(sb)))) {
                assertThat(ks.exact()).isFalse();
                assertThat(ks.statistic()).as("%s D", c.get("name"))
                        .isCloseTo((Double) c.get("ks_statistic"), within(1e-12));
                assertThat(ks.errorBound()).isPositive();
                assertThat(ks.pValue()).isEqualTo(NumericTests.kolmogorovPValue(
                        Math.max(0, ks.statistic() - ks.errorBound()), a.length, b.length));
            }
        }
    }

    @Test
    void kolmogorovPValueIsScipysKstwobign() {
        for (Map<String, Object> c : cases("numeric")) {
            int n = doubles(c.get("a")).length;
            int m = doubles(c.get("b")).length;
            double p = NumericTests.kolmogorovPValue((Double) c.get("ks_statistic"), n, m);
            double expected = (Double) c.get("ks_pvalue_kolmogorov_limit");
            assertThat(close(p, expected, 1e-9, 1e-15)).as("%s: %s vs kstwobign %s", c.get("name"), p, expected)
                    .isTrue();
            assertThat(close(p, (Double) c.get("ks_pvalue_asymp"), 0.7, 0)).as("%s: near scipy asymp", c.get("name"))
                    .isTrue();
        }
        assertThat(NumericTests.kolmogorovPValue(0, 10, 10)).isEqualTo(1);
        assertThat(NumericTests.kolmogorovPValue(1, 1_000_000, 1_000_000)).isZero();
    }

    @Test
    void wassersteinIsScipys() {
        for (Map<String, Object> c : cases("numeric")) {
            double[] a = doubles(c.get("a"));
            double[] b = doubles(c.get("b"));
            double expected = (Double) c.get("wasserstein");
            double exact = NumericTests.wasserstein(ExactDistribution.of(a), ExactDistribution.of(b));
            double viaSketch = NumericTests.wasserstein(ExactDistribution.of(a),
                    new SketchDistribution(Fixtures.losslessSketch(b)));
            assertThat(close(exact, expected, 1e-9, 0)).as("%s: %s vs %s", c.get("name"), exact, expected).isTrue();
            assertThat(close(viaSketch, expected, 1e-9, 0)).as("%s via sketch", c.get("name")).isTrue();
            assertThat(NumericTests.wasserstein(ExactDistribution.of(b), ExactDistribution.of(a)))
                    .isCloseTo(exact, within(1e-12 * exact));
        }
    }

    @Test
    void chiSquareAndJensenShannonAreScipys() {
        for (Map<String, Object> c : cases("categorical")) {
            Map<String, Long> baseline = Fixtures.frequencies(c.get("baseline"));
            Map<String, Long> current = Fixtures.frequencies(c.get("current"));
            double p = CategoricalTests.chiSquarePValue(baseline, current);
            double js = CategoricalTests.jensenShannon(baseline, current);
            assertThat(p).as("%s chi2 p", c.get("name")).isCloseTo((Double) c.get("chi2_pvalue"), within(1e-9));
            assertThat(close(p, (Double) c.get("chi2_pvalue"), 1e-7, 1e-300)).as("%s chi2 p, relative", c.get("name"))
                    .isTrue();
            assertThat(js).as("%s JS", c.get("name")).isCloseTo((Double) c.get("jensenshannon"), within(1e-12));
        }
    }

    @Test
    void psiIsTheFlooredFormula() {
        for (Map<String, Object> c : cases("psi")) {
            double psi = NumericTests.psi(doubles(c.get("baseline_proportions")), Fixtures.longs(c.get("current_counts")));
            assertThat(psi).as("%s", c.get("name")).isCloseTo((Double) c.get("psi"), within(1e-12));
        }
    }
}
