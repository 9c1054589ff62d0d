package dev.flywheel.statistics;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

import java.util.Arrays;
import java.util.Base64;

/**
 * The current window's values of one numeric feature, in memory that does not grow with the window: counts per
 * baseline bin (for PSI and the chart), a KLL sketch (k = 200) for KS and Wasserstein, the missing count, and the
 * first {@link #EXACT_LIMIT} values exactly, so that a small window is compared exactly (KS as scipy computes it).
 * Windows merge: a window of many partitions is the merge of the partitions' windows.
 */
public final class NumericWindow {
    /** Values kept exactly; above this the sketch stands in (40 KB a feature). */
    public static final int EXACT_LIMIT = 5_000;
    static final int SKETCH_K = 200;

    private final double[] edges;
    private final long[] bins;
    private final KllDoublesSketch sketch;
    private double[] exact = new double[64];
    private int exactSize;
    private boolean overflowed;
    private long count;
    private long missing;

    /** @param edges the baseline's bin edges ({@link BaselineProfile.FeatureProfile#bins()}) */
    public NumericWindow(double[] edges) {
        this(edges, new long[edges.length + 1], KllDoublesSketch.newHeapInstance(SKETCH_K));
    }

    private NumericWindow(double[] edges, long[] bins, KllDoublesSketch sketch) {
        this.edges = edges.clone();
        this.bins = bins;
        this.sketch = sketch;
    }

    /** Adds a value; NaN is a missing value. */
    public void add(double value) {
        count++;
        if (Double.isNaN(value)) {
            missing++;
            return;
        }
        bins[NumericTests.bin(edges, value)]++;
        sketch.update(value);
        if (!overflowed) {
            if (exactSize == EXACT_LIMIT) {
                overflowed = true;
                exact = null;
                return;
            }
            if (exactSize == exact.length) {
                exact = Arrays.copyOf(exact, Math.min(EXACT_LIMIT, exactSize * 2));
            }
            exact[exactSize++] = value;
        }
    }

    /** Adds another window of the same feature (same baseline bins). */
    public void merge(NumericWindow other) {
        if (!Arrays.equals(edges, other.edges)) {
            throw new IllegalArgumentException("windows over different baseline bins cannot merge");
        }
        count += other.count;
        missing += other.missing;
        for (int i = 0; i < bins.length; i++) {
            bins[i] += other.bins[i];
        }
        sketch.merge(other.sketch);
        if (!overflowed && !other.overflowed && exactSize + other.exactSize <= EXACT_LIMIT) {
            if (exact.length < exactSize + other.exactSize) {
                exact = Arrays.copyOf(exact, exactSize + other.exactSize);
            }
            System.arraycopy(other.exact, 0, exact, exactSize, other.exactSize);
            exactSize += other.exactSize;
        } else {
            overflowed = true;
            exact = null;
        }
    }

    public long count() {
        return count;
    }

    public long missing() {
        return missing;
    }

    public double missingRate() {
        return count == 0 ? 0 : (double) missing / count;
    }

    /** Counts per baseline bin, missing values excluded. */
    public long[] binCounts() {
        return bins.clone();
    }

    /** The non-missing values: exact while the window holds at most {@link #EXACT_LIMIT}, else the sketch's. */
    public EmpiricalDistribution distribution() {
        if (!overflowed) {
            return ExactDistribution.of(Arrays.copyOf(exact, exactSize));
        }
        return new SketchDistribution(sketch);
    }

    /** The window as a JSON-friendly record (for partial windows written between the steps of a Map). */
    public State state() {
        return new State(count, missing, bins.clone(), overflowed ? null : Arrays.copyOf(exact, exactSize),
                Base64.getEncoder().encodeToString(sketch.toByteArray()));
    }

    public static NumericWindow of(double[] edges, State state) {
        if (state.bins() == null || state.bins().length != edges.length + 1) {
            throw new IllegalArgumentException("a partial window with " + (state.bins() == null ? 0
                    : state.bins().length) + " bins does not belong to a baseline of " + (edges.length + 1));
        }
        NumericWindow w = new NumericWindow(edges, state.bins().clone(), KllDoublesSketch.heapify(
                Memory.wrap(Base64.getDecoder().decode(state.sketch()))));
        w.count = state.count();
        w.missing = state.missing();
        if (state.exact() == null) {
            w.overflowed = true;
            w.exact = null;
        } else {
            w.exact = state.exact().length == 0 ? new double[64] : state.exact().clone();
            w.exactSize = state.exact().length;
        }
        return w;
    }

    /** @param exact the values when the window kept them all, else null */
    public record State(long count, long missing, long[] bins, double[] exact, String sketch) {
    }
}
