package dev.flywheel.statistics;

/** Rank arithmetic and moments shared by the exact and the sketched distributions. */
final class Summaries {
    private Summaries() {
    }

    /**
     * The 0-based index of the smallest item whose cumulative count reaches {@code rank * n}; a product within
     * 1e-9 of an integer counts as that integer, so that rank 0.1 of 1000 items is the 100th, not the 101st.
     */
    static int inclusiveIndex(double rank, long n) {
        if (!(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("rank must be in [0, 1]: " + rank);
        }
        double target = rank * n;
        double nearest = Math.rint(target);
        long needed = Math.abs(target - nearest) < 1e-9 ? (long) nearest : (long) Math.ceil(target);
        return (int) Math.max(0, needed - 1);
    }

    /** The weighted mean of {@code values} ({@code weights == null}: each weighs 1); NaN when empty. */
    static double mean(double[] values, long[] weights) {
        double sum = 0;
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            double w = weights == null ? 1 : weights[i];
            sum += w * values[i];
            total += w;
        }
        return total == 0 ? Double.NaN : sum / total;
    }

    /** The weighted population standard deviation (two passes, ddof = 0); NaN when empty. */
    static double std(double[] values, long[] weights) {
        double mean = mean(values, weights);
        double sumSq = 0;
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            double w = weights == null ? 1 : weights[i];
            double d = values[i] - mean;
            sumSq += w * d * d;
            total += w;
        }
        return total == 0 ? Double.NaN : Math.sqrt(sumSq / total);
    }
}
