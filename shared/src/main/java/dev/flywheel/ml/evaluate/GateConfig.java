package dev.flywheel.ml.evaluate;

import dev.flywheel.ml.MlTask;

import java.util.Map;

/**
 * The promotion gate.
 *
 * @param thresholds     absolute bounds on test metrics: a minimum for higher-is-better metrics (auc, accuracy,
 *                       r2...), a maximum for the others (rmse, logloss...)
 * @param minImprovement the challenger must beat the champion on {@code metric} by more than this (default 0:
 *                       strictly better, so a challenger that only ties never replaces the champion)
 * @param metric         the comparison metric
 */
public record GateConfig(Map<String, Double> thresholds, Double minImprovement, String metric) {

    /** Fills the fields the request left out with the task's defaults. */
    public GateConfig withDefaults(MlTask task) {
        Map<String, Double> t = thresholds != null ? thresholds : switch (task) {
            case BINARY -> Map.of("auc", 0.6);
            case MULTICLASS -> Map.of();
            case REGRESSION -> Map.of();
        };
        String m = metric != null ? metric : switch (task) {
            case BINARY -> "auc";
            case MULTICLASS -> "accuracy";
            case REGRESSION -> "rmse";
        };
        return new GateConfig(t, minImprovement == null ? 0.0 : minImprovement, m);
    }
}
