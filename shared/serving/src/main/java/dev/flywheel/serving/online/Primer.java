package dev.flywheel.serving.online;

import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import java.util.LinkedHashMap;
import java.util.Map;

/** A typical input for a model, from its fitted pipeline alone: medians and the most frequent categories. */
final class Primer {
    private Primer() {
    }

    static Map<String, Object> typicalRow(FittedPipeline pipeline) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (FeatureSpec f : pipeline.features()) {
            row.put(f.name(), f.kind() == FeatureSpec.Kind.NUMERIC ? (Object) f.median()
                    : f.categories().isEmpty() ? null : f.categories().get(0));
        }
        return row;
    }
}
