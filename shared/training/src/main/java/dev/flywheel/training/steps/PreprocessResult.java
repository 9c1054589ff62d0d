package dev.flywheel.training.steps;

public record PreprocessResult(FeatureSet features) {
}
