package dev.flywheel.statistics;

import org.apache.datasketches.kll.KllDoublesSketch;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The training distribution of every feature, of the target and (once a model is trained) of its predictions:
 * the reference that drift scoring compares live traffic with.
 */
public record BaselineProfile(long rows, Map<String, FeatureProfile> features, FeatureProfile target,
                              FeatureProfile prediction) {
    public BaselineProfile {
        features = features == null ? Map.of() : new LinkedHashMap<>(features);
    }

    public BaselineProfile withPrediction(FeatureProfile newPrediction) {
        return new BaselineProfile(rows, features, target, newPrediction);
    }

    /**
     * @param kind         "numeric" or "categorical"
     * @param kllSketch    numeric: base64 of a serialized {@code KllDoublesSketch} (k = 200)
     * @param frequencies  categorical: count per category ("" = missing)
     * @param binEdges     numeric: the fixed baseline bins (deciles of the values, distinct), for PSI and charts;
     *                     null in profiles written before they existed (then computed from the sketch)
     * @param sample       numeric: every non-missing value, sorted, when there are at most {@link #EXACT_LIMIT}
     *                     (so small baselines compare exactly: KS as scipy computes it); else null
     */
    public record FeatureProfile(String kind, long count, double missingRate, Double mean, Double std, Double min,
                                 Double max, String kllSketch, Map<String, Long> frequencies, double[] binEdges,
                                 double[] sample) {
        public boolean numeric() {
            return "numeric".equals(kind);
        }

        /** The non-missing values' distribution: the exact sample when there is one, else the sketch. */
        public EmpiricalDistribution distribution() {
            if (sample != null) {
                return ExactDistribution.of(sample);
            }
            if (kllSketch == null) {
                return ExactDistribution.of(new double[0]);
            }
            return new SketchDistribution(KllDoublesSketch.heapify(
                    org.apache.datasketches.memory.Memory.wrap(Base64.getDecoder().decode(kllSketch))));
        }

        /** The baseline bins' edges (stored, or for older profiles derived from the distribution). */
        public double[] bins() {
            return binEdges != null ? binEdges : NumericTests.binEdges(distribution(), BINS);
        }

        /** Non-missing values. */
        public long present() {
            return count - Math.round(missingRate * count);
        }
    }

    /** Baseline numeric values kept exactly up to this many (80 KB a feature); a sketch stands in above it. */
    public static final int EXACT_LIMIT = 10_000;
    /** Baseline bins per numeric feature: deciles. */
    public static final int BINS = 10;

    /**
     * Accumulates a numeric profile. The same values in the same order give the same profile, byte for byte: the
     * KLL sketch's compaction draws from one random source that DataSketches shares across the JVM and does not
     * let callers seed, so the sketch is built in {@link #build} under a lock with that source re-seeded. Without
     * this, two checkpoints of the same data differ, and concurrent runs writing one checkpoint disagree on it.
     */
    public static final class NumericBuilder {
        private static final long SKETCH_SEED = 0x5eed_f1e1_d0c5L;
        private static final Random SKETCH_RANDOM = kllRandom();

        private double[] values = new double[256];
        private int size;
        private long count;
        private long missing;
        private double sum;
        private double sumSq;

        public void add(double value) {
            count++;
            if (Double.isNaN(value)) {
                missing++;
                return;
            }
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size + (size >> 1));
            }
            values[size++] = value;
            sum += value;
            sumSq += value * value;
        }

        public FeatureProfile build() {
            long n = count - missing;
            Double mean = n == 0 ? null : sum / n;
            Double std = n == 0 ? null : Math.sqrt(Math.max(0, sumSq / n - (sum / n) * (sum / n)));
            KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
            synchronized (SKETCH_RANDOM) {
                SKETCH_RANDOM.setSeed(SKETCH_SEED);
                for (int i = 0; i < size; i++) {
                    sketch.update(values[i]);
                }
            }
            double[] sorted = java.util.Arrays.copyOf(values, size);
            java.util.Arrays.sort(sorted);
            EmpiricalDistribution distribution = size <= EXACT_LIMIT ? ExactDistribution.of(sorted)
                    : new SketchDistribution(sketch);
            return new FeatureProfile("numeric", count, count == 0 ? 0 : (double) missing / count, mean, std,
                    n == 0 ? null : sketch.getMinItem(), n == 0 ? null : sketch.getMaxItem(),
                    Base64.getEncoder().encodeToString(sketch.toByteArray()), null,
                    n == 0 ? new double[0] : NumericTests.binEdges(distribution, BINS),
                    size <= EXACT_LIMIT ? sorted : null);
        }

        private static Random kllRandom() {
            try {
                java.lang.reflect.Field field = Class.forName("org.apache.datasketches.kll.KllSketch")
                        .getDeclaredField("random");
                field.setAccessible(true);
                return (Random) field.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("this DataSketches version keeps KLL's random source elsewhere; "
                        + "baseline profiles would not be reproducible", e);
            }
        }
    }

    /** Accumulates a categorical profile. */
    public static final class CategoricalBuilder {
        private final Map<String, Long> frequencies = new TreeMap<>();
        private long count;
        private long missing;

        public void add(String value) {
            add(value, 1);
        }

        /** Adds {@code times} occurrences of {@code value} at once (a dictionary code's count). */
        public void add(String value, long times) {
            if (times <= 0) {
                return;
            }
            count += times;
            if (value == null || value.isEmpty()) {
                missing += times;
            }
            frequencies.merge(value == null ? "" : value, times, Long::sum);
        }

        public FeatureProfile build() {
            return new FeatureProfile("categorical", count, count == 0 ? 0 : (double) missing / count, null, null,
                    null, null, null, frequencies, null, null);
        }
    }

    public static FeatureProfile categorical(List<String> values) {
        CategoricalBuilder b = new CategoricalBuilder();
        values.forEach(b::add);
        return b.build();
    }
}
