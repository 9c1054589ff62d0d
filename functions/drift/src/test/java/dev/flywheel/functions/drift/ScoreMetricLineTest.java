package dev.flywheel.functions.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import dev.flywheel.monitoring.DriftSteps;
import org.junit.jupiter.api.Test;

/** The scored window's CloudWatch EMF line: what the stack's drift alarm and dashboard read. */
class ScoreMetricLineTest {
    @Test
    void aDriftedWindowIsOneDriftDetected_perModelAndOverAll() {
        DriftSteps.Scored scored = new DriftSteps.Scored("r-1", "credit\"risk", 3, "drift", true, false, 0.75, 1200,
                "6 of 8 features drifted", "s3://b/r.html", "s3://b/r.json");
        JsonNode line = Json.tree(Json.write(ScoreWindowHandler.metricLine(scored, 1_700_000_000_000L)));

        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("Flywheel/Drift");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Model\"],[]]");
        assertThat(directive.path("Metrics").findValuesAsText("Name"))
                .containsExactly("DriftDetected", "PerformanceDegraded", "DriftedShare", "Rows");
        assertThat(line.path("Model").asText()).isEqualTo("credit\"risk");
        assertThat(line.path("DriftDetected").asInt()).isEqualTo(1);
        assertThat(line.path("PerformanceDegraded").asInt()).isZero();
        assertThat(line.path("DriftedShare").asDouble()).isEqualTo(0.75);
        assertThat(line.path("Rows").asLong()).isEqualTo(1200);
    }
}
