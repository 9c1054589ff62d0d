package dev.flywheel.statistics;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

import java.util.Arrays;

/**
 * The distribution summarised by a KLL quantile sketch: each retained item stands for a weight of values, so the
 * CDF is an estimate whose error is within {@link #rankError()} of the true fraction (with 99% confidence per
 * query). The sketch is read once, at construction: later updates to it are not seen.
 */
public final class SketchDistribution implements EmpiricalDistribution {
    private static final QuantileSearchCriteria INCLUSIVE = QuantileSearchCriteria.INCLUSIVE;

    private final KllDoublesSketch sketch;
    private final long count;
    private final double rankError;
    private final DoublesSortedView view;
    private final double[] support;
    private final double mean;
    private final double std;

    public SketchDistribution(KllDoublesSketch sketch) {
        this.sketch = sketch;
        this.count = sketch.getN();
        this.rankError = sketch.getNormalizedRankError(false);
        this.view = sketch.isEmpty() ? null : sketch.getSortedView();
        double[] items = view == null ? new double[0] : view.getQuantiles();
        long[] weights = view == null ? new long[0] : weights(view.getCumulativeWeights());
        this.support = Arrays.stream(items).distinct().toArray();
        this.mean = Summaries.mean(items, weights);
        this.std = Summaries.std(items, weights);
    }

    private static long[] weights(long[] cumulative) {
        long[] w = new long[cumulative.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
        }
        return w;
    }

    /** The sketch this distribution was read from. */
    public KllDoublesSketch sketch() {
        return sketch;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public double cdf(double x) {
        return view == null ? Double.NaN : view.getRank(x, INCLUSIVE);
    }

    @Override
    public double[] support() {
        return support.clone();
    }

    @Override
    public double rankError() {
        return rankError;
    }

    @Override
    public boolean exact() {
        return false;
    }

    @Override
    public double quantile(double rank) {
        return view == null ? Double.NaN : view.getQuantile(rank, INCLUSIVE);
    }

    @Override
    public double mean() {
        return mean;
    }

    @Override
    public double std() {
        return std;
    }
}
