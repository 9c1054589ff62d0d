package dev.flywheel.ml.features;

public record PreprocessResult(FeatureSet features) {
}
