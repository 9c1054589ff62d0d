package dev.flywheel.data;

import dev.flywheel.domain.MlTask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.SplittableRandom;

/**
 * Seeded mixed numeric/categorical rows with a known target function, streamed as CSV: for scale tests (any
 * number of rows, constant memory) and drift tests ({@code shift} moves numeric means and category frequencies
 * while the target function stays the same).
 *
 * <p>Columns: {@code x0..x(n-1)} ~ Normal(shift, 1), {@code c0..c(m-1)} in {a, b, c, d, e} (skewed towards "a" as
 * shift grows), and {@code target}. The signal is
 * {@code f = 2 x0 - 1.5 x1 + x2 x3 + sin(2 x4) + effect(c0)} (absent columns contribute 0): binary target
 * "yes" when f + logistic noise > 0; multiclass "A"/"B"/"C" by thresholds on f + small noise; regression f + N(0, 0.1).
 */
public final class SyntheticDataGenerator {
    private static final String[] CATEGORIES = {"a", "b", "c", "d", "e"};
    private static final double[] EFFECT = {-1.0, -0.5, 0.0, 0.5, 1.0};

    private final long seed;
    private final MlTask task;
    private final int numeric;
    private final int categorical;
    private final double shift;

    public SyntheticDataGenerator(long seed, MlTask task, int numericFeatures, int categoricalFeatures, double shift) {
        if (numericFeatures < 1 || categoricalFeatures < 0) {
            throw new IllegalArgumentException("need at least one numeric feature");
        }
        this.seed = seed;
        this.task = task;
        this.numeric = numericFeatures;
        this.categorical = categoricalFeatures;
        this.shift = shift;
    }

    public static SyntheticDataGenerator of(long seed, MlTask task) {
        return new SyntheticDataGenerator(seed, task, 6, 2, 0.0);
    }

    /** Writes a header and {@code rows} rows of CSV. */
    public void write(Writer out, long rows) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder line = new StringBuilder(256);
        try {
            for (int i = 0; i < numeric; i++) {
                line.append('x').append(i).append(',');
            }
            for (int i = 0; i < categorical; i++) {
                line.append('c').append(i).append(',');
            }
            out.write(line.append("target\n").toString());
            double[] x = new double[numeric];
            int[] c = new int[categorical];
            for (long r = 0; r < rows; r++) {
                line.setLength(0);
                for (int i = 0; i < numeric; i++) {
                    x[i] = shift + gaussian(random);
                    line.append(format(x[i])).append(',');
                }
                for (int i = 0; i < categorical; i++) {
                    c[i] = category(random);
                    line.append(CATEGORIES[c[i]]).append(',');
                }
                line.append(target(random, signal(x, c))).append('\n');
                out.write(line.toString());
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The noiseless signal of a row. */
    public static double signal(double[] x, int[] c) {
        double f = 2 * x[0];
        if (x.length > 1) {
            f -= 1.5 * x[1];
        }
        if (x.length > 3) {
            f += x[2] * x[3];
        }
        if (x.length > 4) {
            f += Math.sin(2 * x[4]);
        }
        if (c.length > 0) {
            f += EFFECT[c[0]];
        }
        return f;
    }

    private String target(SplittableRandom random, double f) {
        return switch (task) {
            case BINARY -> {
                double u = random.nextDouble(1e-9, 1 - 1e-9);
                yield f + Math.log(u / (1 - u)) * 0.5 > 0 ? "yes" : "no";
            }
            case MULTICLASS -> {
                double g = f + 0.3 * gaussian(random);
                yield g < -1 ? "A" : g < 1 ? "B" : "C";
            }
            case REGRESSION -> format(f + 0.1 * gaussian(random));
        };
    }

    /** Category index; with shift > 0 the first category gets more likely. */
    private int category(SplittableRandom random) {
        double skew = Math.max(0, Math.min(0.8, shift * 0.3));
        if (random.nextDouble() < skew) {
            return 0;
        }
        return random.nextInt(CATEGORIES.length);
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble(1e-12, 1.0);
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static String format(double v) {
        return Values.canonicalNumber(Math.round(v * 1e4) / 1e4);
    }
}
