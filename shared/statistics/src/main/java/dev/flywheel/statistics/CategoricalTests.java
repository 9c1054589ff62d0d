package dev.flywheel.statistics;

import org.apache.commons.statistics.inference.ChiSquareTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Drift statistics that compare two frequency tables of a categorical feature (count per category, a baseline
 * and a current window), over the union of their categories: a category seen on one side only counts as 0 on
 * the other.
 * <ul>
 * <li>{@link #chiSquarePValue}: how likely a difference in the category mix at least this large is by chance;
 * a small p-value (below 0.05, say) means the mix has changed. With many rows even a small change is
 * significant.</li>
 * <li>{@link #jensenShannon}: how different the two mixes are, whatever the number of rows: 0 for the same
 * proportions, sqrt(ln 2) ~ 0.833 for no category in common.</li>
 * </ul>
 */
public final class CategoricalTests {
    private CategoricalTests() {
    }

    /**
     * The p-value of Pearson's chi-square test of homogeneity of the 2 x k table (baseline counts, current
     * counts), without continuity correction, computed by commons-statistics' {@code ChiSquareTest}: equal to
     * {@code scipy.stats.chi2_contingency(table, correction=False)[1]}. Categories with zero on both sides are
     * dropped. Fewer than 2 categories: 1.0 (nothing to compare); either side without any count: NaN.
     */
    public static double chiSquarePValue(Map<String, Long> baseline, Map<String, Long> current) {
        long[][] table = table(baseline, current);
        if (table[0].length < 2) {
            return 1.0;
        }
        if (total(table[0]) == 0 || total(table[1]) == 0) {
            return Double.NaN;
        }
        return ChiSquareTest.withDefaults().test(table).getPValue();
    }

    /**
     * The Jensen-Shannon distance between the two tables normalised to probabilities p and q: the square root of
     * {@code (KL(p || m) + KL(q || m)) / 2} with {@code m = (p + q) / 2} and natural logarithms, as
     * {@code scipy.spatial.distance.jensenshannon(p, q)}. It is symmetric, in [0, sqrt(ln 2)], 0 only for equal
     * proportions. Either side without any count: NaN.
     */
    public static double jensenShannon(Map<String, Long> baseline, Map<String, Long> current) {
        long[][] table = table(baseline, current);
        double nb = total(table[0]);
        double nc = total(table[1]);
        if (nb == 0 || nc == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < table[0].length; i++) {
            double p = table[0][i] / nb;
            double q = table[1][i] / nc;
            double m = (p + q) / 2;
            sum += relativeEntropy(p, m) + relativeEntropy(q, m);
        }
        return Math.sqrt(Math.max(0, sum / 2));
    }

    private static double relativeEntropy(double p, double m) {
        return p == 0 ? 0 : p * Math.log(p / m);
    }

    /** Rows baseline and current, one column per category of either (sorted), without the all-zero ones. */
    private static long[][] table(Map<String, Long> baseline, Map<String, Long> current) {
        TreeSet<String> categories = new TreeSet<>(baseline.keySet());
        categories.addAll(current.keySet());
        List<long[]> columns = new ArrayList<>();
        for (String category : categories) {
            long b = count(baseline, category);
            long c = count(current, category);
            if (b != 0 || c != 0) {
                columns.add(new long[] {b, c});
            }
        }
        long[][] table = new long[2][columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            table[0][i] = columns.get(i)[0];
            table[1][i] = columns.get(i)[1];
        }
        return table;
    }

    private static long count(Map<String, Long> counts, String category) {
        Long n = counts.get(category);
        if (n != null && n < 0) {
            throw new IllegalArgumentException("negative count for category '" + category + "': " + n);
        }
        return n == null ? 0 : n;
    }

    private static long total(long[] row) {
        long sum = 0;
        for (long v : row) {
            sum += v;
        }
        return sum;
    }
}
