package dev.flywheel.ml.features;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     */
    public record FeatureProfile(String kind, long count, double missingRate, Double mean, Double std, Double min,
                                 Double max, String kllSketch, Map<String, Long> frequencies) {

        public KllDoublesSketch sketch() {
            return kllSketch == null ? null
                    : KllDoublesSketch.heapify(Memory.wrap(Base64.getDecoder().decode(kllSketch)));
        }
    }

    /** Accumulates a numeric profile. */
    public static final class NumericBuilder {
        private final KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
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
            sketch.update(value);
            sum += value;
            sumSq += value * value;
        }

        public FeatureProfile build() {
            long n = count - missing;
            Double mean = n == 0 ? null : sum / n;
            Double std = n == 0 ? null : Math.sqrt(Math.max(0, sumSq / n - (sum / n) * (sum / n)));
            return new FeatureProfile("numeric", count, count == 0 ? 0 : (double) missing / count, mean, std,
                    n == 0 ? null : sketch.getMinItem(), n == 0 ? null : sketch.getMaxItem(),
                    Base64.getEncoder().encodeToString(sketch.toByteArray()), null);
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
                    null, null, null, frequencies);
        }
    }

    public static FeatureProfile categorical(List<String> values) {
        CategoricalBuilder b = new CategoricalBuilder();
        values.forEach(b::add);
        return b.build();
    }
}
