package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.bench.ColdStartBench;
import dev.flywheel.cli.bench.DriftBench;
import dev.flywheel.cli.bench.InferenceBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Serving and monitoring benchmarks: numbers measured on this machine, printed; never asserted. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure on this machine: the inference handler's latency and throughput, the cold start of "
                + "its Lambda jar, and the drift monitor's throughput and memory.",
        subcommands = {BenchCommand.Inference.class, BenchCommand.ColdStart.class, BenchCommand.Drift.class})
public final class BenchCommand {

    @Command(name = "inference", mixinStandardHelpOptions = true,
            description = "Train a model on the bundled German Credit data in a temporary home, then time, on the "
                    + "same rows, the bare DJL predictor, the whole handler from API Gateway event to response (1-row "
                    + "and batch requests), one thread's requests per second, and each stage of a request.")
    public static final class Inference implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--rows", defaultValue = "0", paramLabel = "N",
                description = "Test rows to cycle through (default: all of the test split).")
        int rows;
        @Option(names = "--trees", defaultValue = "100", paramLabel = "N",
                description = "Trees (boosting rounds) of the model (default: ${DEFAULT-VALUE}).")
        int trees;
        @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
                description = "Measuring time of each main measurement, after as long a warm-up; each stage gets "
                        + "half (default: ${DEFAULT-VALUE}).")
        double seconds;
        @Option(names = "--batch", defaultValue = "100", paramLabel = "N",
                description = "Rows per batch request (default: ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() throws Exception {
            check(spec, rows >= 0, "--rows must be 0 (all) or more, got " + rows);
            check(spec, trees >= 1 && trees <= 5000, "--trees must be between 1 and 5000, got " + trees);
            check(spec, seconds > 0 && seconds <= 600, "--seconds must be above 0 and at most 600, got " + seconds);
            check(spec, batch >= 1 && batch <= 1000, "--batch must be between 1 and 1000, got " + batch);
            boolean json = CommonOptions.of(spec).json();
            ObjectNode result = InferenceBench.run(new InferenceBench.Options(rows, trees, seconds, batch),
                    line -> System.err.println(line));
            if (json) {
                Output.json(result);
            } else {
                printInference(result);
            }
            return 0;
        }
    }

    @Command(name = "cold-start", mixinStandardHelpOptions = true,
            description = "Start fresh JVMs on the packaged inference Lambda jar (functions/inference/target), its "
                    + "handler configured from the environment as on Lambda, over S3 and DynamoDB served by a local "
                    + "moto server that holds a trained champion; print the time from spawning the JVM to the first "
                    + "200 response, and the jar's size.")
    public static final class ColdStart implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--runs", defaultValue = "3", paramLabel = "N",
                description = "Counted runs of each configuration (default: ${DEFAULT-VALUE}).")
        int runs;
        @Option(names = "--jar", paramLabel = "FILE",
                description = "The Lambda jar (default: functions/inference/target/"
                        + "flywheel-inference-function-*-lambda.jar here or in a folder above).")
        Path jar;
        @Option(names = "--python", defaultValue = "${env:FLYWHEEL_MOTO_PYTHON:-python3}", paramLabel = "CMD",
                description = "The Python with moto installed (default: $FLYWHEEL_MOTO_PYTHON, else python3).")
        String python;
        @Option(names = "--java", paramLabel = "FILE",
                description = "The java launcher of the runs (default: this JVM's).")
        Path java;
        @Option(names = "--jvm-options", defaultValue = ColdStartBench.DEFAULT_JVM_OPTIONS, paramLabel = "OPTIONS",
                description = "Options of the runs' JVMs, space-separated (default: '${DEFAULT-VALUE}', what "
                        + "Lambda's Java runtimes set).")
        String jvmOptions;
        @Option(names = "--trees", defaultValue = "100", paramLabel = "N",
                description = "Trees of the served model (default: ${DEFAULT-VALUE}).")
        int trees;

        @Override
        public Integer call() throws Exception {
            check(spec, runs >= 1 && runs <= 50, "--runs must be between 1 and 50, got " + runs);
            check(spec, trees >= 1 && trees <= 5000, "--trees must be between 1 and 5000, got " + trees);
            Path javaLauncher = java != null ? java
                    : Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> options = Arrays.stream(jvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            ObjectNode result = ColdStartBench.run(new ColdStartBench.Options(jar, runs, python, javaLauncher,
                    options, trees), line -> System.err.println(line));
            if (CommonOptions.of(spec).json()) {
                Output.json(result);
            } else {
                printColdStart(result);
            }
            return 0;
        }
    }

    @Command(name = "drift", mixinStandardHelpOptions = true,
            description = {"Stream seeded numeric values through the drift monitor's windows (NumericWindow.add per "
                    + "value: baseline-bin count and KLL sketch) on one thread, score every feature against a "
                    + "100,000-row baseline as the drift scorer does (KS, Wasserstein, PSI), and print values per "
                    + "second per core, the time of each part and the process's peak memory; then time scipy's "
                    + "ks_2samp and a numpy PSI on the same values (a subset of the features) and compare speed "
                    + "and the KS statistic.",
                    "Memory is meant to stay flat as --rows grows; the JVM's default heap (a quarter of the "
                            + "machine's memory) is never needed, so for a steady peak RSS run it as "
                            + "java -Xmx512m -jar flywheel-cli.jar bench drift."})
    public static final class Drift implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--rows", defaultValue = "10000000", paramLabel = "N",
                description = "Rows streamed per feature (default: ${DEFAULT-VALUE}).")
        long rows;
        @Option(names = "--features", defaultValue = "20", paramLabel = "F",
                description = "Numeric features, each with its own window; every odd one drifts a little "
                        + "(default: ${DEFAULT-VALUE}).")
        int features;
        @Option(names = "--no-scipy", description = "Skip the scipy comparison.")
        boolean noScipy;
        @Option(names = "--python", defaultValue = "${env:FLYWHEEL_MOTO_PYTHON:-python3}", paramLabel = "CMD",
                description = "The Python with numpy and scipy (default: $FLYWHEEL_MOTO_PYTHON, else python3); "
                        + "without them the comparison is reported as unavailable.")
        String python;

        @Override
        public Integer call() throws Exception {
            check(spec, rows >= 1 && rows <= 2_000_000_000L, "--rows must be between 1 and 2000000000, got " + rows);
            check(spec, features >= 1 && features <= 1000, "--features must be between 1 and 1000, got " + features);
            check(spec, python != null && !python.isBlank(), "--python must name an interpreter");
            ObjectNode result = DriftBench.run(new DriftBench.Options(rows, features, !noScipy, python),
                    line -> System.err.println(line));
            if (CommonOptions.of(spec).json()) {
                Output.json(result);
            } else {
                printDrift(result);
            }
            return 0;
        }
    }

    private static void check(CommandSpec spec, boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    static void printInference(JsonNode r) {
        JsonNode m = r.path("model");
        System.out.println("Serving benchmark: " + m.path("name").asText() + " v" + m.path("version").asInt() + ", "
                + r.path("trees").asInt() + " trees (depth " + m.path("max_depth").asInt() + "), "
                + r.path("rows").asInt() + " test rows of German Credit, " + r.path("cpus").asInt() + " CPUs, Java "
                + r.path("java").asText() + ", load average " + r.path("load_average_before").asText() + " -> "
                + r.path("load_average_after").asText());
        System.out.println(r.path("harness").asText());
        System.out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(latency("bare DJL predictor, 1 row", r, "bare"));
        rows.add(latency("handler, 1-row request (event bytes to response bytes)", r, "handler"));
        rows.add(latency("handler, " + r.path("batch_rows").asInt() + "-row request", r, "handler_100"));
        rows.add(List.of("bare DJL predictor, " + r.path("batch_rows").asInt() + " rows",
                micros(r.path("bare_100_p50_us")), "", ""));
        rows.add(List.of("handler, 1-row request, capture off", micros(r.path("handler_capture_off_p50_us")), "",
                ""));
        Output.table(List.of("LATENCY (µs)", "P50", "P90", "P99"), rows);
        System.out.println();
        JsonNode on = r.path("throughput").path("capture_on");
        JsonNode off = r.path("throughput").path("capture_off");
        Output.table(List.of("ONE THREAD, BACK TO BACK", "REQUESTS/S", "PROCESS CPU µs/REQUEST", "REQUESTS/CPU-S"),
                List.of(List.of("capture on (default share 1.0)", on.path("requests_per_second").asText(),
                                on.path("process_cpu_us_per_request").asText(),
                                on.path("requests_per_process_cpu_second").asText()),
                        List.of("capture off", off.path("requests_per_second").asText(),
                                off.path("process_cpu_us_per_request").asText(),
                                off.path("requests_per_process_cpu_second").asText())));
        System.out.println();
        List<List<String>> stages = new ArrayList<>();
        r.path("where_the_time_goes_p50_us").fields().forEachRemaining(e -> stages.add(List.of(e.getKey(),
                micros(e.getValue()))));
        Output.table(List.of("WHERE A 1-ROW REQUEST'S TIME GOES (each stage alone)", "P50 µs"), stages);
        System.out.println();
        List<List<String>> targets = new ArrayList<>();
        r.path("targets").fields().forEachRemaining(e -> targets.add(List.of(e.getKey(),
                e.getValue().asBoolean() ? "met" : "MISSED")));
        Output.table(List.of("TARGET", ""), targets);
    }

    static void printColdStart(JsonNode r) {
        System.out.println("Cold start of " + r.path("jar").asText() + " (" + r.path("jar_mb").asText() + " MB), "
                + r.path("java").asText() + " " + r.path("jvm_options").asText() + ", " + r.path("store").asText()
                + ", load average " + r.path("load_average_before").asText() + " -> "
                + r.path("load_average_after").asText());
        System.out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(coldRow("FLYWHEEL_MODEL set: loaded and primed at construction", r));
        rows.add(coldRow("FLYWHEEL_MODEL unset: loaded by the first request", r.path("lazy")));
        rows.add(coldRow("reference: DJL's XGBoost predictor alone, same jar", r.path("bare_djl_predictor")));
        Output.table(List.of("CONFIGURATION", "FIRST 200 (median ms)", "SPAWN→MAIN", "MAIN→HANDLER",
                "HANDLER→RESPONSE", "RUNS"), rows);
        System.out.println();
        List<List<String>> targets = new ArrayList<>();
        r.path("targets").fields().forEachRemaining(e -> targets.add(List.of(e.getKey(),
                e.getValue().asBoolean() ? "met" : "MISSED")));
        Output.table(List.of("TARGET", ""), targets);
    }

    static void printDrift(JsonNode r) {
        System.out.println("Drift monitor benchmark: " + r.path("rows").asLong() + " rows x " + r.path("features")
                .asInt() + " numeric features = " + r.path("values").asLong() + " values, one thread, "
                + r.path("cpus").asInt() + " CPUs, " + r.path("java").asText() + ", load average "
                + r.path("load_average_before").asText() + " -> " + r.path("load_average_after").asText());
        System.out.println("Ours: " + r.path("ours").asText() + ".");
        System.out.println("Data: " + r.path("data").asText() + ".");
        System.out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("values per second per core (sketch + score)",
                String.format(Locale.ROOT, "%,d", r.path("values_per_second_per_core").asLong())));
        rows.add(List.of("sketching (NumericWindow.add, every value)", r.path("sketch_seconds").asText() + " s, "
                + r.path("sketch_ns_per_value").asText() + " ns a value"));
        rows.add(List.of("scoring (KS, Wasserstein, PSI per feature)", r.path("score_seconds").asText() + " s"));
        rows.add(List.of("generating the values (not counted)", r.path("generation_seconds").asText() + " s"));
        rows.add(List.of("baseline profiles (not counted)", r.path("baseline_seconds").asText() + " s"));
        JsonNode b = r.path("breakdown_ns_per_value");
        rows.add(List.of("one add(), parts alone (ns)", "bin search " + b.path("bin_search").asText()
                + ", KLL update " + b.path("kll_update").asText() + ", whole add " + b.path("window_add").asText()));
        rows.add(List.of("peak RSS (VmHWM), heap after GC", r.path("peak_rss_mb").asText() + " MB, "
                + r.path("heap_used_mb").asText() + " MB (max heap " + r.path("max_heap_mb").asText() + " MB)"));
        if (r.path("scipy_values_per_second").isNumber()) {
            JsonNode s = r.path("scipy");
            rows.add(List.of("scipy " + s.path("scipy").asText() + ": values per second",
                    String.format(Locale.ROOT, "%,d", r.path("scipy_values_per_second").asLong()) + " ("
                            + r.path("scipy_values").asLong() + " values, " + s.path("seconds").asText() + " s)"));
            rows.add(List.of("speedup (ours / scipy)", r.path("speedup").asText() + "x"));
        } else {
            rows.add(List.of("scipy", "not run: " + r.path("scipy_reason").asText()));
        }
        Output.table(List.of("MEASURE", "RESULT"), rows);
        if (r.path("scipy_values_per_second").isNumber()) {
            System.out.println();
            System.out.println("scipy: " + r.path("scipy").path("what").asText() + "; "
                    + r.path("scipy").path("selection").asText() + ".");
            System.out.println();
            List<List<String>> ks = new ArrayList<>();
            r.path("ks_comparison").forEach(c -> ks.add(List.of(c.path("name").asText(),
                    c.path("shifted").asBoolean() ? "yes" : "no",
                    String.format(Locale.ROOT, "%.5f", c.path("ours").asDouble()),
                    String.format(Locale.ROOT, "%.5f", c.path("scipy").asDouble()),
                    String.format(Locale.ROOT, "%+.5f", c.path("difference").asDouble()),
                    String.format(Locale.ROOT, "%.5f", c.path("error_bound").asDouble()),
                    c.path("within_bound").asBoolean() ? "yes" : "NO",
                    String.format(Locale.ROOT, "%.4f / %.4f", c.path("ours_psi").asDouble(),
                            c.path("scipy_psi").asDouble()))));
            Output.table(List.of("FEATURE", "SHIFTED", "KS OURS", "KS SCIPY", "DIFFERENCE", "BOUND", "WITHIN",
                    "PSI OURS / NUMPY"), ks);
        }
        System.out.println();
        List<List<String>> targets = new ArrayList<>();
        r.path("targets").fields().forEachRemaining(e -> targets.add(List.of(e.getKey(),
                e.getValue().asBoolean() ? "met" : "MISSED")));
        targets.add(List.of("memory flat between 1M and 10M rows", "compare peak_rss_mb of two runs"));
        Output.table(List.of("TARGET", ""), targets);
    }

    private static List<String> coldRow(String name, JsonNode r) {
        JsonNode split = r.path("split_ms");
        List<String> runs = new ArrayList<>();
        r.path("first_response_ms_runs").forEach(v -> runs.add(v.asText()));
        return List.of(name, r.path("first_response_ms").asText(), split.path("spawn_to_main").asText(),
                split.path("main_to_handler_constructed").asText(),
                split.path("handler_constructed_to_first_response").asText(), String.join(" ", runs));
    }

    private static List<String> latency(String name, JsonNode r, String prefix) {
        return List.of(name, micros(r.path(prefix + "_p50_us")), micros(r.path(prefix + "_p90_us")),
                micros(r.path(prefix + "_p99_us")));
    }

    private static String micros(JsonNode value) {
        if (!value.isNumber()) {
            return value.asText();
        }
        double v = value.asDouble();
        return String.format(Locale.ROOT, Math.abs(v) < 1 && v != 0 ? "%.3f" : "%.1f", v);
    }
}
