package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.bench.ColdStartBench;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving benchmarks run and report what they promise; their numbers are never checked against targets here. */
class BenchCommandTest {
    @TempDir
    Path empty;

    @Test
    void benchInference_reportsEveryRequiredNumberAndTheStages() {
        CliRunner.Result result = CliRunner.run("bench", "inference", "--json", "--seconds", "0.05", "--rows", "3",
                "--trees", "5", "--batch", "4");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = result.json();
        for (String key : List.of("bare_p50_us", "bare_p99_us", "handler_p50_us", "handler_p90_us", "handler_p99_us",
                "handler_100_p50_us", "bare_100_p50_us", "handler_capture_off_p50_us",
                "requests_per_second_one_core", "requests_per_second_one_core_capture_off")) {
            assertThat(json.path(key).isNumber()).as(key).isTrue();
            assertThat(json.path(key).asDouble()).as(key).isPositive();
        }
        assertThat(json.path("rows").asInt()).isEqualTo(3);
        assertThat(json.path("batch_rows").asInt()).isEqualTo(4);
        assertThat(json.path("trees").asInt()).isEqualTo(5);
        assertThat(json.path("cpus").asInt()).isPositive();
        assertThat(json.path("java").asText()).isNotBlank();
        assertThat(json.path("harness").asText()).contains("hand-rolled");
        for (String stage : List.of("djl_predict", "event_parse", "body_parse", "instances_check", "model_lease",
                "pipeline_transform", "xgboost4j_dmatrix_and_predict", "xgboost4j_inplace_predict", "response_build",
                "response_write", "emf_line", "api_handle")) {
            assertThat(json.path("stages").path(stage).path("p50_us").asDouble()).as(stage).isPositive();
        }
        assertThat(json.path("where_the_time_goes_p50_us").path("sum_of_stages").asDouble()).isPositive();
        assertThat(json.path("targets").size()).isEqualTo(3);
    }

    @Test
    void benchColdStart_withoutAPackagedJar_saysHowToBuildIt() {
        assertThatThrownBy(() -> ColdStartBench.locate(empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mvn -B -DskipTests package -pl functions/inference -am");
    }
}
