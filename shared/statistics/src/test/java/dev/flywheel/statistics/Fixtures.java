package dev.flywheel.statistics;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Shared test data: the scipy reference fixture, seeded samples, and sketches built as production builds them. */
final class Fixtures {
    private Fixtures() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> scipyReference() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/scipy-reference.json")) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(String section) {
        return (List<Map<String, Object>>) scipyReference().get(section);
    }

    @SuppressWarnings("unchecked")
    static double[] doubles(Object jsonArray) {
        return ((List<Object>) jsonArray).stream().mapToDouble(v -> (Double) v).toArray();
    }

    static long[] longs(Object jsonArray) {
        double[] d = doubles(jsonArray);
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Long> frequencies(Object jsonObject) {
        Map<String, Long> out = new TreeMap<>();
        ((Map<String, Object>) jsonObject).forEach((k, v) -> out.put(k, ((Double) v).longValue()));
        return out;
    }

    static double[] normal(SplittableRandom random, int n, double mean, double sd) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = mean + sd * random.nextGaussian();
        }
        return out;
    }

    /** A k = 200 KLL sketch built by {@link BaselineProfile.NumericBuilder}: reproducible, as in production. */
    static KllDoublesSketch productionSketch(double[] values) {
        BaselineProfile.NumericBuilder builder = new BaselineProfile.NumericBuilder();
        for (double v : values) {
            builder.add(v);
        }
        byte[] bytes = Base64.getDecoder().decode(builder.build().kllSketch());
        return KllDoublesSketch.heapify(Memory.wrap(bytes));
    }

    /** A sketch with room for every value (k > n): it never compacts, so its CDF is exact. */
    static KllDoublesSketch losslessSketch(double[] values) {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(Math.min(65535, values.length + 8));
        for (double v : values) {
            sketch.update(v);
        }
        return sketch;
    }

    /** |actual - expected| <= abs + rel * |expected|. */
    static boolean close(double actual, double expected, double rel, double abs) {
        return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
    }
}
