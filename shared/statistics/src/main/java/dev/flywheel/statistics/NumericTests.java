package dev.flywheel.statistics;

import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;

/**
 * Drift statistics that compare two numeric distributions (a baseline and a current window).
 * <ul>
 * <li>{@link #ks}: the Kolmogorov-Smirnov distance, the largest gap between the two CDFs (0 = identical, 1 =
 * disjoint), with the p-value of the test that both samples come from one distribution: a small p-value (below
 * 0.05, say) means the difference is unlikely to be chance. With many rows even a tiny, harmless shift gets a
 * small p-value, so read it together with the distance.</li>
 * <li>{@link #wasserstein}: how far, in the feature's own units, values would have to move to turn one
 * distribution into the other (a mean shift of 2 gives 2).</li>
 * <li>{@link #psi}: the Population Stability Index over the baseline's bins; by the usual rule of thumb below 0.1
 * is stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one.</li>
 * </ul>
 */
public final class NumericTests {
    /** The proportion that an empty bin counts as in {@link #psi}, so that its logarithm is finite. */
    public static final double PSI_FLOOR = 1e-4;

    private static final KolmogorovSmirnovTest KS = KolmogorovSmirnovTest.withDefaults();

    private NumericTests() {
    }

    /**
     * A two-sample Kolmogorov-Smirnov result.
     *
     * @param statistic  D, the largest absolute difference between the two CDFs, in [0, 1]
     * @param pValue     the two-sided p-value for "both come from the same distribution"
     * @param errorBound how far D may be from the D of the exact samples (0 when both are exact): the sum of
     *                   the two sides' {@link EmpiricalDistribution#rankError()}
     * @param exact      whether both sides are exact samples (then statistic and p-value are scipy's)
     */
    public record Ks(double statistic, double pValue, double errorBound, boolean exact) {
    }

    /**
     * The two-sample Kolmogorov-Smirnov test.
     * <p>When both sides are exact samples this is commons-statistics' {@code KolmogorovSmirnovTest.withDefaults()},
     * which equals {@code scipy.stats.ks_2samp(a, b)}: the exact p-value when max(n, m) &lt;= 10000, the
     * asymptotic one beyond.
     * <p>Otherwise (a sketch on either side) D is the maximum of |Fa - Fb| over the union of the two supports,
     * where both step functions change; it is within {@code errorBound} = the sum of the two rank errors of the D
     * of the exact samples. (DataSketches' {@code KolmogorovSmirnov.computeKSDelta} is not used: in 6.2.0 it
     * returns 0.3000 instead of 0.3033 for two lossless sketches of the 50x60 fixture pair.) The p-value is
     * {@link #kolmogorovPValue} at {@code max(0, D - errorBound)}: the smallest D the sketches are consistent
     * with, as DataSketches' own {@code kolmogorovSmirnovTest} adds the rank errors to its threshold. Taking it
     * at D itself would be wrong by far with large sketched samples: two k = 200 sketches of 1M and 500k values
     * from one distribution differ by D ~ 0.009 through sketch error alone, which at that size has p ~ 1e-30.
     * So with sketches a small p-value means a drift larger than the sketches' error, and drifts below it (at
     * k = 200, 1-3 points of rank) are not detected. Either side empty: NaN.
     */
    public static Ks ks(EmpiricalDistribution a, EmpiricalDistribution b) {
        double bound = a.rankError() + b.rankError();
        boolean exact = a.exact() && b.exact();
        if (a.count() == 0 || b.count() == 0) {
            return new Ks(Double.NaN, Double.NaN, bound, exact);
        }
        if (a instanceof ExactDistribution ea && b instanceof ExactDistribution eb) {
            KolmogorovSmirnovTest.TwoResult r = KS.test(ea.sortedValues(), eb.sortedValues());
            return new Ks(r.getStatistic(), r.getPValue(), bound, exact);
        }
        double d = maxCdfGap(a, b);
        return new Ks(d, kolmogorovPValue(Math.max(0, d - bound), a.count(), b.count()), bound, exact);
    }

    /**
     * The asymptotic two-sided p-value of a two-sample KS distance d between samples of n and m values: the
     * limiting Kolmogorov distribution's {@code P(K > sqrt(en) * d)} with {@code en = n m / (n + m)}, i.e.
     * {@code scipy.stats.kstwobign.sf(sqrt(en) * d)}. (scipy's {@code ks_2samp(method="asymp")} uses the
     * finite-n {@code kstwo.sf(d, round(en))} instead, which commons-statistics does not expose; the two agree
     * to within a few percent of p, closer as en grows.)
     */
    public static double kolmogorovPValue(double d, long n, long m) {
        double en = (double) n * m / ((double) n + m);
        return kolmogorovSurvival(Math.sqrt(en) * d);
    }

    /** max |Fa - Fb| over the union of the supports: where both step functions (and so their gap) change. */
    static double maxCdfGap(EmpiricalDistribution a, EmpiricalDistribution b) {
        double[] points = union(a.support(), b.support());
        double[] fa = a.cdf(points);
        double[] fb = b.cdf(points);
        double max = 0;
        for (int i = 0; i < points.length; i++) {
            max = Math.max(max, Math.abs(fa[i] - fb[i]));
        }
        return max;
    }

    /**
     * The survival function of the Kolmogorov distribution, {@code P(K > lambda)} (scipy's {@code kstwobign.sf}):
     * for lambda >= 1 the alternating series {@code 2 sum_k (-1)^(k-1) exp(-2 k^2 lambda^2)}, below it the Jacobi
     * form {@code 1 - sqrt(2 pi)/lambda sum_k exp(-(2k-1)^2 pi^2 / (8 lambda^2))}; both converge within a few
     * terms to double precision in their ranges.
     */
    static double kolmogorovSurvival(double lambda) {
        if (!(lambda > 0)) {
            return Double.isNaN(lambda) ? Double.NaN : 1;
        }
        double sum = 0;
        if (lambda >= 1) {
            for (int k = 1; k <= 100; k++) {
                double term = Math.exp(-2.0 * k * k * lambda * lambda);
                sum += (k % 2 == 1 ? term : -term);
                if (term < 1e-17 * sum) {
                    break;
                }
            }
            return Math.max(0, Math.min(1, 2 * sum));
        }
        for (int k = 1; k <= 100; k++) {
            double term = Math.exp(-(2.0 * k - 1) * (2.0 * k - 1) * Math.PI * Math.PI / (8 * lambda * lambda));
            sum += term;
            if (term <= 1e-17 * sum || sum == 0) {
                break;
            }
        }
        return Math.max(0, Math.min(1, 1 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }

    /**
     * The 1-Wasserstein (earth mover's) distance: the integral of |Fa - Fb| over the union of the supports, in
     * the feature's units. For exact samples this is {@code scipy.stats.wasserstein_distance(a, b)}; with a
     * sketch, each CDF is within its rank error, so the result is within {@code (eps_a + eps_b) * (max - min)}
     * in the worst case and usually far closer. Either side empty: NaN.
     */
    public static double wasserstein(EmpiricalDistribution a, EmpiricalDistribution b) {
        if (a.count() == 0 || b.count() == 0) {
            return Double.NaN;
        }
        double[] points = union(a.support(), b.support());
        double[] fa = a.cdf(points);
        double[] fb = b.cdf(points);
        double sum = 0;
        for (int i = 0; i + 1 < points.length; i++) {
            sum += Math.abs(fa[i] - fb[i]) * (points[i + 1] - points[i]);
        }
        return sum;
    }

    /** The sorted distinct union of two sorted distinct arrays. */
    static double[] union(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            double next = j == b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
            if (i < a.length && a[i] == next) {
                i++;
            }
            if (j < b.length && b[j] == next) {
                j++;
            }
            out[n++] = next;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The Population Stability Index, {@code sum_i (c_i - b_i) ln(c_i / b_i)}, where b_i and c_i are the
     * baseline's and the current window's proportions in bin i (the baseline's bins, see {@link #binEdges}). It
     * is 0 for identical proportions and grows with the shift; below 0.1 is usually read as stable, 0.1-0.25 as a
     * moderate and above 0.25 as a major shift. An empty bin would make the logarithm infinite, so every
     * proportion below {@link #PSI_FLOOR} (1e-4) is raised to it, the smoothing Evidently and most PSI
     * implementations use; the floored proportions are not renormalised.
     *
     * @param baselineProportions the baseline's proportion per bin
     * @param currentCounts       the current window's count per bin, same length
     * @return the PSI, or NaN when the current counts are all zero (nothing to compare)
     */
    public static double psi(double[] baselineProportions, long[] currentCounts) {
        if (baselineProportions.length != currentCounts.length) {
            throw new IllegalArgumentException("psi: " + baselineProportions.length + " baseline bins but "
                    + currentCounts.length + " current counts");
        }
        long total = 0;
        for (long c : currentCounts) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < currentCounts.length; i++) {
            double b = Math.max(baselineProportions[i], PSI_FLOOR);
            double c = Math.max((double) currentCounts[i] / total, PSI_FLOOR);
            sum += (c - b) * Math.log(c / b);
        }
        return sum;
    }

    /**
     * The bin edges for {@link #psi}: the distinct {@link EmpiricalDistribution#quantile quantiles} of {@code d} at
     * ranks 1/bins, 2/bins .. (bins-1)/bins (the deciles for bins = 10), so each bin holds about 1/bins of the
     * baseline. Bin i holds the values in (edge[i-1], edge[i]]; there are {@code edges.length + 1} bins, fewer
     * than {@code bins} when quantiles coincide (a feature with few distinct values). Empty d: no edges.
     */
    public static double[] binEdges(EmpiricalDistribution d, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1: " + bins);
        }
        if (d.count() == 0) {
            return new double[0];
        }
        double[] edges = new double[bins - 1];
        int n = 0;
        for (int i = 1; i < bins; i++) {
            double q = d.quantile((double) i / bins);
            if (n == 0 || q > edges[n - 1]) {
                edges[n++] = q;
            }
        }
        return java.util.Arrays.copyOf(edges, n);
    }

    /**
     * The bin of {@code x} among {@code edges} (sorted, distinct), in 0 .. edges.length: the number of edges
     * below x, so x &lt;= edges[0] is bin 0 and x &gt; the last edge is the last bin: a count for up to 16 edges, a
     * binary search above. NaN (a missing value, which callers count apart) gives bin 0.
     */
    public static int bin(double[] edges, double x) {
        if (edges.length <= 16) {
            // The number of edges below x, without branches: a binary search mispredicts on random values (22 ns a
            // value against 6 over the 9 decile edges; flywheel bench drift's breakdown). NaN is below nothing: bin 0.
            int below = 0;
            for (double edge : edges) {
                below += edge < x ? 1 : 0;
            }
            return below;
        }
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
