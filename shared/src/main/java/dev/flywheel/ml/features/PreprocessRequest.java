package dev.flywheel.ml.features;

import dev.flywheel.ml.MlTask;

/**
 * @param task  optional; inferred from the target when absent
 * @param split optional; seed 42, 15% validation, 15% test by default
 */
public record PreprocessRequest(DatasetRef dataset, MlTask task, SplitConfig split) {

    public record DatasetRef(String name, int version) {
    }

    /** @param validation share of rows for validation; @param test share of rows for test */
    public record SplitConfig(Long seed, Double validation, Double test) {
        public static final SplitConfig DEFAULT = new SplitConfig(42L, 0.15, 0.15);

        public SplitConfig withDefaults() {
            return new SplitConfig(seed == null ? 42L : seed, validation == null ? 0.15 : validation,
                    test == null ? 0.15 : test);
        }
    }
}
