package dev.flywheel.statistics;

/**
 * A model's performance over a window's labelled rows, in constant memory and mergeable across partitions.
 * Binary: ROC AUC from the positive-class scores counted in {@link #SCORE_BINS} equal-width bins per class (scores
 * in one bin count as ties, so the AUC is within half the mass of same-bin pairs of the exact one: at most
 * 1/{@value #SCORE_BINS} of the pairs for smooth scores), plus accuracy. Multiclass: accuracy. Regression: RMSE.
 */
public final class PerformanceWindow {
    public static final int SCORE_BINS = 10_000;

    public enum Kind { BINARY, MULTICLASS, REGRESSION }

    private final Kind kind;
    private long[] positives;
    private long[] negatives;
    private long rows;
    private long correct;
    private double squaredError;

    public PerformanceWindow(Kind kind) {
        this.kind = kind;
        if (kind == Kind.BINARY) {
            positives = new long[SCORE_BINS];
            negatives = new long[SCORE_BINS];
        }
    }

    /** A binary row: the positive class's score, whether it is positive, whether the predicted label was right. */
    public void addBinary(double positiveScore, boolean positive, boolean correctLabel) {
        int bin = (int) Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(positiveScore * SCORE_BINS)));
        (positive ? positives : negatives)[bin]++;
        addLabel(correctLabel);
    }

    /** A multiclass row. */
    public void addLabel(boolean correctLabel) {
        rows++;
        if (correctLabel) {
            correct++;
        }
    }

    /** A regression row. */
    public void addValue(double predicted, double actual) {
        rows++;
        squaredError += (predicted - actual) * (predicted - actual);
    }

    public void merge(PerformanceWindow other) {
        if (other.kind != kind) {
            throw new IllegalArgumentException("cannot merge " + other.kind + " performance into " + kind);
        }
        rows += other.rows;
        correct += other.correct;
        squaredError += other.squaredError;
        if (kind == Kind.BINARY) {
            for (int i = 0; i < SCORE_BINS; i++) {
                positives[i] += other.positives[i];
                negatives[i] += other.negatives[i];
            }
        }
    }

    public long rows() {
        return rows;
    }

    /** The metric the model's test metrics are compared on: "auc", "accuracy" or "rmse". */
    public String metric() {
        return switch (kind) {
            case BINARY -> "auc";
            case MULTICLASS -> "accuracy";
            case REGRESSION -> "rmse";
        };
    }

    /** The metric's value, or null when it is undefined (no rows; AUC with a single class). */
    public Double value() {
        if (rows == 0) {
            return null;
        }
        return switch (kind) {
            case BINARY -> auc();
            case MULTICLASS -> (double) correct / rows;
            case REGRESSION -> Math.sqrt(squaredError / rows);
        };
    }

    /** Mann-Whitney: P(score of a positive > score of a negative) + half the ties. */
    private Double auc() {
        long pos = 0;
        long neg = 0;
        for (int i = 0; i < SCORE_BINS; i++) {
            pos += positives[i];
            neg += negatives[i];
        }
        if (pos == 0 || neg == 0) {
            return null;
        }
        double wins = 0;
        long negativesBelow = 0;
        for (int i = 0; i < SCORE_BINS; i++) {
            wins += positives[i] * (negativesBelow + negatives[i] / 2.0);
            negativesBelow += negatives[i];
        }
        return wins / ((double) pos * neg);
    }

    public State state() {
        return new State(kind, rows, correct, squaredError, sparse(positives), sparse(negatives));
    }

    public static PerformanceWindow of(State state) {
        PerformanceWindow w = new PerformanceWindow(state.kind());
        w.rows = state.rows();
        w.correct = state.correct();
        w.squaredError = state.squaredError();
        if (state.kind() == Kind.BINARY) {
            dense(state.positives(), w.positives);
            dense(state.negatives(), w.negatives);
        }
        return w;
    }

    /** Non-empty bins as pairs (bin, count), so that a partial window of a few rows stays small. */
    private static long[] sparse(long[] counts) {
        if (counts == null) {
            return null;
        }
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                out.add((long) i);
                out.add(counts[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static void dense(long[] pairs, long[] into) {
        if (pairs == null) {
            return;
        }
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i] < 0 || pairs[i] >= into.length) {
                throw new IllegalArgumentException("a score bin " + pairs[i] + " outside 0.." + (into.length - 1));
            }
            into[(int) pairs[i]] += pairs[i + 1];
        }
    }

    /** @param positives binary: non-empty bins as (bin, count) pairs */
    public record State(Kind kind, long rows, long correct, double squaredError, long[] positives, long[] negatives) {
    }
}
