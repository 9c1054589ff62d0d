package dev.flywheel.statistics;

import java.util.Arrays;

/** An exact empirical distribution: every non-missing value, sorted. */
public final class ExactDistribution implements EmpiricalDistribution {
    private final double[] sorted;
    private double[] support;

    private ExactDistribution(double[] sorted) {
        this.sorted = sorted;
    }

    /** The distribution of {@code values}: copied, NaN (missing) dropped, sorted. */
    public static ExactDistribution of(double[] values) {
        double[] copy = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        Arrays.sort(copy);
        return new ExactDistribution(copy);
    }

    /** A copy of the sorted values. */
    public double[] sorted() {
        return sorted.clone();
    }

    /** The sorted values themselves, not copied: for this package only, which must not modify them. */
    double[] sortedValues() {
        return sorted;
    }

    @Override
    public long count() {
        return sorted.length;
    }

    @Override
    public double cdf(double x) {
        return sorted.length == 0 ? Double.NaN : (double) upperBound(x, 0) / sorted.length;
    }

    /** Each search starts where the previous point's ended. */
    @Override
    public double[] cdf(double[] sortedPoints) {
        double[] out = new double[sortedPoints.length];
        int below = 0;
        for (int i = 0; i < out.length; i++) {
            below = upperBound(sortedPoints[i], below);
            out[i] = sorted.length == 0 ? Double.NaN : (double) below / sorted.length;
        }
        return out;
    }

    /** The number of values {@code <= x}, by binary search above {@code from} (a count known to be {@code <= x}). */
    private int upperBound(double x, int from) {
        int lo = from;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public double[] support() {
        if (support == null) {
            support = Arrays.stream(sorted).distinct().toArray();
        }
        return support.clone();
    }

    @Override
    public double rankError() {
        return 0;
    }

    @Override
    public boolean exact() {
        return true;
    }

    @Override
    public double quantile(double rank) {
        return sorted.length == 0 ? Double.NaN : sorted[Summaries.inclusiveIndex(rank, sorted.length)];
    }

    @Override
    public double mean() {
        return Summaries.mean(sorted, null);
    }

    @Override
    public double std() {
        return Summaries.std(sorted, null);
    }
}
