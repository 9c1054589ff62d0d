package dev.flywheel.training.steps;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;

import java.util.Map;

/**
 * The promotion gate.
 *
 * @param thresholds       absolute bounds on test metrics: a minimum for higher-is-better metrics (auc, accuracy,
 *                         r2...), a maximum for the others (rmse, logloss...); by default what a model must reach to
 *                         beat a guess: binary auc 0.6, multiclass kappa 0.1, regression r2 0.1
 * @param minImprovement   the challenger must beat the champion on {@code metric} by more than this (default 0:
 *                         strictly better, so a challenger that only ties never replaces the champion)
 * @param metric           the comparison metric
 * @param minComparedRows  the fewest rows that neither model trained on for the gate to decide (default 200, or the
 *                         whole test set when it is smaller); with fewer it refuses to decide
 */
public record GateConfig(Map<String, Double> thresholds, Double minImprovement, String metric,
                         Integer minComparedRows) {
    public static final int DEFAULT_MIN_COMPARED_ROWS = 200;

    /** Fills the fields the request left out with the task's defaults. */
    public GateConfig withDefaults(MlTask task) {
        // Defaults a model must meet to be worth more than a guess: AUC 0.6 (0.5 is chance), Cohen's kappa 0.1
        // (agreement beyond chance), R² 0.1 (explains a tenth of the variance the mean leaves).
        Map<String, Double> t = thresholds != null ? thresholds : switch (task) {
            case BINARY -> Map.of("auc", 0.6);
            case MULTICLASS -> Map.of("kappa", 0.1);
            case REGRESSION -> Map.of("r2", 0.1);
        };
        String m = metric != null ? metric : switch (task) {
            case BINARY -> "auc";
            case MULTICLASS -> "accuracy";
            case REGRESSION -> "rmse";
        };
        if (minComparedRows != null && minComparedRows < 1) {
            throw new InvalidInputException("gate.minComparedRows must be at least 1, got " + minComparedRows);
        }
        return new GateConfig(t, minImprovement == null ? 0.0 : minImprovement, m,
                minComparedRows == null ? DEFAULT_MIN_COMPARED_ROWS : minComparedRows);
    }

    /** The rows needed to decide when the test set holds {@code testRows}. */
    public long requiredComparedRows(long testRows) {
        return Math.min(minComparedRows == null ? DEFAULT_MIN_COMPARED_ROWS : minComparedRows, testRows);
    }
}
