package dev.flywheel.serving;

import java.util.List;

/** The output of {@link FeatureTranslator}: one prediction per input row, in order. */
public record Predictions(List<Prediction> predictions) {
}
