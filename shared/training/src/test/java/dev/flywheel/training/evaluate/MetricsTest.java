package dev.flywheel.training.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import dev.flywheel.domain.MlTask;
import dev.flywheel.serving.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Metrics} against reference values computed with scikit-learn 1.9.1 (metrics/make_fixtures.py, stored as
 * metrics/metrics-fixtures.json): AUC with ties, log loss clipping, accuracy, precision, recall, F1, multiclass,
 * RMSE/MAE/R², and undefined values as null.
 */
class MetricsTest {

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = MetricsTest.class.getResourceAsStream("/metrics/metrics-fixtures.json")) {
            JsonNode fixtures = Json.tree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<Arguments> cases = new ArrayList<>();
            for (JsonNode c : fixtures.path("cases")) {
                cases.add(Arguments.of(c.path("name").asText(), c));
            }
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void metrics_matchScikitLearn(String name, JsonNode fixture) {
        MlTask task = MlTask.parse(fixture.path("task").asText());
        List<String> classes = new ArrayList<>();
        fixture.path("classes").forEach(c -> classes.add(c.asText()));
        List<Prediction> predictions = new ArrayList<>();
        for (JsonNode p : fixture.path("predictions")) {
            if (p.has("value")) {
                predictions.add(new Prediction(null, null, p.path("value").asDouble()));
            } else {
                Map<String, Double> probabilities = new LinkedHashMap<>();
                p.path("probabilities").fields().forEachRemaining(e -> probabilities.put(e.getKey(),
                        e.getValue().asDouble()));
                predictions.add(new Prediction(p.path("label").asText(), probabilities, null));
            }
        }
        List<String> truth = new ArrayList<>();
        fixture.path("truth").forEach(t -> truth.add(t.asText()));

        Map<String, Double> metrics = Metrics.of(task, classes, predictions, truth);

        JsonNode expected = fixture.path("expected");
        assertThat(metrics.keySet()).containsExactlyInAnyOrderElementsOf(() -> expected.fieldNames());
        expected.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                assertThat(metrics.get(e.getKey())).as(e.getKey() + " is undefined").isNull();
            } else {
                assertThat(metrics.get(e.getKey())).as(e.getKey()).isNotNull()
                        .isCloseTo(e.getValue().asDouble(), within(1e-9));
            }
        });
    }

    @Test
    void rocAuc_givesTiedScoresTheirAverageRank() {
        // Positives at 0.5 and 0.9, negatives at 0.5 and 0.1: one tie counts half.
        double auc = Metrics.rocAuc(new double[]{0.5, 0.9, 0.5, 0.1}, new boolean[]{true, true, false, false});
        assertThat(auc).isEqualTo(0.875);
    }
}
