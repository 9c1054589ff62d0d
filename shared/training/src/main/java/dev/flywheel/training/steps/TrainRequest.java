package dev.flywheel.training.steps;

import java.util.Map;

/**
 * @param params              XGBoost hyper-parameters ({@code max_depth}, {@code eta}, {@code num_round}, ...)
 * @param seed                random seed of the training (default {@value #DEFAULT_SEED}); the split does not use it
 * @param earlyStoppingRounds stop when the validation metric has not improved for this many rounds (default 20)
 * @param candidate           index of this candidate in a parallel search (for naming and logs)
 * @param executionId         the pipeline execution this run is part of (so its failure path can end the run)
 */
public record TrainRequest(String model, FeatureSet features, Map<String, Object> params, Long seed,
                           Integer earlyStoppingRounds, Integer candidate, String executionId) {
    /** The seed when a request gives none: the one default of the pipeline's seed (the CLI and ASL leave it out). */
    public static final long DEFAULT_SEED = 42L;

    public TrainRequest(String model, FeatureSet features, Map<String, Object> params, Long seed,
                        Integer earlyStoppingRounds, Integer candidate) {
        this(model, features, params, seed, earlyStoppingRounds, candidate, null);
    }

    public TrainRequest {
        params = params == null ? Map.of() : new java.util.LinkedHashMap<>(params);
    }
}
