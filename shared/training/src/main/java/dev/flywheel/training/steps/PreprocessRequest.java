package dev.flywheel.training.steps;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;

/**
 * @param model   the model the features are for: its name salts the split unless {@code split.salt} is given
 * @param dataset the dataset version to preprocess (the output of ingest: name and version)
 * @param task    optional; inferred from the target when absent
 * @param split   optional; 15% validation, 15% test, salted by the model name
 */
public record PreprocessRequest(String model, DatasetRef dataset, MlTask task, SplitConfig split) {

    public record DatasetRef(String name, int version) {
    }

    /**
     * @param salt       what makes this model's split its own (default: the model name); the same salt always
     *                   gives every row the same side
     * @param validation share of rows for validation (default 0.15)
     * @param test       share of rows for test (default 0.15)
     * @param seed       no longer accepted: the split is not random (the seed drives training only)
     */
    public record SplitConfig(String salt, Double validation, Double test, Long seed) {
        public static final double DEFAULT_VALIDATION = 0.15;
        public static final double DEFAULT_TEST = 0.15;
        public static final SplitConfig DEFAULT = new SplitConfig(null, null, null, null);

        public SplitConfig {
            if (seed != null) {
                throw new InvalidInputException("split.seed is no longer used: rows are split by a stable hash of "
                        + "their identity, salted per model, so that no seed or new data moves a row; remove it (the "
                        + "top-level seed still drives training), or set split.salt to start a different split");
            }
        }

        public double validationOrDefault() {
            return validation == null ? DEFAULT_VALIDATION : validation;
        }

        public double testOrDefault() {
            return test == null ? DEFAULT_TEST : test;
        }
    }
}
