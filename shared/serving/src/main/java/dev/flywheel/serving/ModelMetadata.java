package dev.flywheel.serving;

import dev.flywheel.domain.Lineage;
import dev.flywheel.domain.MlTask;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a model package is: {@code metadata.json} inside it.
 *
 * @param validationMetric the value of {@code metricName} on the validation split at {@code bestIteration}
 * @param features         the model's input names, in column order
 */
public record ModelMetadata(String model, String runId, MlTask task, String target, List<String> classes,
                            String metricName, double validationMetric, boolean higherIsBetter,
                            Map<String, String> params, int bestIteration, Lineage lineage, String codeVersion,
                            List<String> features, Instant createdAt) {
    public ModelMetadata {
        classes = classes == null ? List.of() : List.copyOf(classes);
        params = params == null ? Map.of() : Map.copyOf(params);
        features = features == null ? List.of() : List.copyOf(features);
    }
}
