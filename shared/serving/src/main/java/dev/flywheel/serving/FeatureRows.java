package dev.flywheel.serving;

import java.util.List;
import java.util.Map;

/** The input of {@link FeatureTranslator}: raw rows, feature name to value (number, string, boolean or null). */
public record FeatureRows(List<? extends Map<String, ?>> rows) {
}
