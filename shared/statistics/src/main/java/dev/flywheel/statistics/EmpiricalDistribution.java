package dev.flywheel.statistics;

/**
 * An empirical distribution of non-missing numeric values: an exact sample ({@link ExactDistribution}), or a KLL
 * quantile sketch ({@link SketchDistribution}) whose answers are estimates within {@link #rankError()}.
 * The cumulative distribution function is a right-continuous step function that steps only at {@link #support()}.
 */
public interface EmpiricalDistribution {

    /** The number of values (for a sketch: of values it has seen, not of the items it retains). */
    long count();

    /** The fraction of values {@code <= x} (for a sketch: its estimate); NaN when there are no values. */
    double cdf(double x);

    /**
     * {@link #cdf(double)} at each of {@code sortedPoints} (ascending). Implementations may walk the points and the
     * distribution together instead of searching per point.
     */
    default double[] cdf(double[] sortedPoints) {
        double[] out = new double[sortedPoints.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = cdf(sortedPoints[i]);
        }
        return out;
    }

    /** The sorted distinct points at which {@link #cdf(double)} steps: the distinct values, or a sketch's retained items. */
    double[] support();

    /**
     * The bound on the error of {@link #cdf(double)} as a fraction of {@link #count()}: 0 for an exact sample; for a
     * KLL sketch DataSketches' {@code getNormalizedRankError(false)}, the single-rank error at 99% confidence
     * (about 1.33% for k = 200).
     */
    double rankError();

    /** Whether every answer is exact (an exact sample, not a sketch). */
    boolean exact();

    /**
     * The smallest value {@code x} with {@code cdf(x) >= rank} (DataSketches' INCLUSIVE criterion), for rank in
     * [0, 1]; rank 0 gives the minimum. NaN when there are no values.
     */
    double quantile(double rank);

    /** The arithmetic mean; NaN when there are no values. */
    double mean();

    /** The population standard deviation (ddof = 0); NaN when there are no values. */
    double std();
}
