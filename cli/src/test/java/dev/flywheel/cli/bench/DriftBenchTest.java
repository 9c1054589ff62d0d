package dev.flywheel.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.FlywheelCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The drift bench runs small and reports what it promises; its speed is never checked here. */
class DriftBenchTest {
    private static final long ROWS = 200_000;
    private static final int FEATURES = 3;

    @Test
    void smallRun_reportsThroughputMemoryAndTheScipyComparisonOrWhyNot() throws Exception {
        String python = System.getenv().getOrDefault("FLYWHEEL_MOTO_PYTHON", "python3");
        List<String> progress = new ArrayList<>();

        JsonNode r = DriftBench.run(new DriftBench.Options(ROWS, FEATURES, true, python), progress::add);

        assertThat(progress).isNotEmpty();
        assertThat(r.path("benchmark").asText()).isEqualTo("drift");
        assertThat(r.path("rows").asLong()).isEqualTo(ROWS);
        assertThat(r.path("features").asInt()).isEqualTo(FEATURES);
        assertThat(r.path("values").asLong()).isEqualTo(ROWS * FEATURES);
        assertThat(r.path("threads").asInt()).isEqualTo(1);
        for (String key : List.of("seconds", "values_per_second", "values_per_second_per_core", "sketch_seconds",
                "score_seconds", "generation_seconds", "peak_rss_mb", "heap_used_mb", "baseline_seconds")) {
            assertThat(r.path(key).isNumber()).as(key).isTrue();
            assertThat(r.path(key).asDouble()).as(key).isPositive();
        }
        assertThat(r.path("values_per_second_per_core").asLong()).isEqualTo(r.path("values_per_second").asLong());
        assertThat(r.path("seconds").asDouble()).isCloseTo(r.path("sketch_seconds").asDouble()
                + r.path("score_seconds").asDouble(), org.assertj.core.data.Offset.offset(0.002));
        assertThat(r.path("peak_rss_mb").asDouble()).isGreaterThanOrEqualTo(r.path("rss_mb").asDouble());
        for (String part : List.of("bin_search", "kll_update", "window_add")) {
            assertThat(r.path("breakdown_ns_per_value").path(part).asDouble()).as(part).isPositive();
        }
        assertThat(r.path("per_feature")).hasSize(FEATURES);
        for (JsonNode f : r.path("per_feature")) {
            assertThat(f.path("count").asLong()).isEqualTo(ROWS);
            assertThat(f.path("ks").asDouble()).isBetween(0.0, 1.0);
            assertThat(f.path("ks_error_bound").asDouble()).isPositive();
            assertThat(f.path("psi").asDouble()).isGreaterThanOrEqualTo(0.0);
        }
        assertThat(r.path("targets").has("at_least_10m_values_per_second_per_core")).isTrue();

        if (!scipyAvailable(python)) {
            assertThat(r.path("scipy_values_per_second").isNull()).isTrue();
            assertThat(r.path("speedup").isNull()).isTrue();
            assertThat(r.path("scipy_reason").asText()).isNotBlank();
            return;
        }
        assertThat(r.path("scipy_reason").isMissingNode()).as(r.path("scipy_reason").asText()).isTrue();
        assertThat(r.path("scipy_values_per_second").asDouble()).isPositive();
        // 200k rows: every feature fits scipy's value budget.
        assertThat(r.path("scipy_values").asLong()).isEqualTo(ROWS * FEATURES);
        assertThat(r.path("speedup").asDouble()).isPositive();
        JsonNode ks = r.path("ks_comparison");
        assertThat(ks).hasSize(FEATURES);
        for (JsonNode c : ks) {
            assertThat(c.path("scipy_method").asText()).isEqualTo("asymp");
            assertThat(Math.abs(c.path("difference").asDouble())).as(c.toString())
                    .isLessThanOrEqualTo(c.path("error_bound").asDouble());
            assertThat(c.path("within_bound").asBoolean()).isTrue();
            // Same data, same bins: the PSI differs only by the baseline's proportions (our sketch's, numpy's exact).
            assertThat(c.path("ours_psi").asDouble()).isCloseTo(c.path("scipy_psi").asDouble(),
                    org.assertj.core.data.Offset.offset(0.01));
        }
        // The shifted feature (f01) drifts, the unshifted f00 does not, on both sides.
        assertThat(ks.get(1).path("scipy").asDouble()).isGreaterThan(ks.get(0).path("scipy").asDouble());
    }

    @Test
    void badOptions_areRefusedWithTheirReason() {
        assertThat(cli("bench", "drift", "--rows", "0")).contains("--rows must be between 1");
        assertThat(cli("bench", "drift", "--features", "0")).contains("--features must be between 1 and 1000");
    }

    @Test
    void noScipy_reportsNullWithTheReason() throws Exception {
        JsonNode r = DriftBench.run(new DriftBench.Options(1_000, 1, false, "python3"), line -> { });

        assertThat(r.path("values").asLong()).isEqualTo(1_000);
        assertThat(r.path("scipy_values_per_second").isNull()).isTrue();
        assertThat(r.path("scipy_reason").asText()).isEqualTo("--no-scipy");
    }

    private static String cli(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = FlywheelCli.execute(args);
            assertThat(code).isNotZero();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    private static boolean scipyAvailable(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import numpy, scipy.stats").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
