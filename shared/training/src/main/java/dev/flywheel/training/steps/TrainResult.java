package dev.flywheel.training.steps;

import java.util.Map;

/**
 * @param validationMetric the value of {@code metricName} on the validation split at {@code bestIteration}
 * @param packageUri       the model package (zip) to register and serve
 * @param params           every parameter the booster was trained with
 */
public record TrainResult(String runId, String model, String metricName, double validationMetric,
                          boolean higherIsBetter, String packageUri, String packageSha256, Map<String, String> params,
                          int bestIteration) {
    public TrainResult {
        params = params == null ? Map.of() : new java.util.TreeMap<>(params);
    }

    /** Whether this result's validation metric is better than {@code other}'s. */
    public boolean betterThan(TrainResult other) {
        return higherIsBetter ? validationMetric > other.validationMetric : validationMetric < other.validationMetric;
    }
}
