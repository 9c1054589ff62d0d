package dev.flywheel.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.io.ScratchFolder;
import dev.flywheel.json.Json;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.PackageFiles;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code flywheel bench cold-start}: the packaged inference Lambda jar started in fresh JVMs, as Lambda starts a new
 * container: its no-arg handler reads {@code FLYWHEEL_MODE=aws} and the rest from the environment, over S3 and
 * DynamoDB served by a local moto server that holds a trained champion. Each run gets an empty temp folder (a new
 * container's /tmp: DJL and xgboost4j extract their native library again). Measured from just before the process is
 * spawned to the first 200 response, with the split at {@code main} and at the constructed handler.
 */
public final class ColdStartBench {
    static final String LAMBDA_JAR_GLOB = "flywheel-inference-function-*-lambda.jar";
    static final String BUILD_COMMAND = "mvn -B -DskipTests package -pl functions/inference -am";
    /** What Lambda's managed Java runtimes set by default (and the project's CDK sets on its functions). */
    public static final String DEFAULT_JVM_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    private static final String BUCKET = "flywheel-bench";
    private static final String TABLE = "flywheel-bench";
    private static final long RUN_TIMEOUT_SECONDS = 120;

    /**
     * @param jar        the Lambda jar, or null to look for it under functions/inference/target
     * @param java       the java launcher of the runs
     * @param jvmOptions options of the runs' JVMs
     */
    public record Options(Path jar, int runs, String python, Path java, List<String> jvmOptions, int trees) {
    }

    /**
     * One fresh JVM's times, in milliseconds from just before it was spawned (the JVM's own start instant is not
     * used: on Linux it is derived from boot time in clock ticks, and was off by hundreds of milliseconds here).
     */
    record Run(double main, double constructed, double responded, double secondRequestMillis) {
    }

    private ColdStartBench() {
    }

    public static ObjectNode run(Options o, Consumer<String> say) throws Exception {
        Path jar = o.jar() != null ? o.jar() : locate(Path.of("").toAbsolutePath());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Lambda jar at " + jar + ": build it with `" + BUILD_COMMAND + "`");
        }
        String loadBefore = InferenceBench.loadAverage();
        Path dir = ScratchFolder.createDirectory("bench-cold-start-");
        try {
            say.accept("Starting a moto server (S3 and DynamoDB) with " + o.python() + "...");
            try (MotoServer moto = MotoServer.start(o.python(), dir.resolve("moto.log"))) {
                FlywheelConfig config = FlywheelConfig.from(Map.of(FlywheelConfig.MODE, "aws",
                        FlywheelConfig.BUCKET, BUCKET, FlywheelConfig.TABLE, TABLE, FlywheelConfig.REGION, "us-east-1",
                        FlywheelConfig.ENDPOINT, moto.endpoint().toString()));
                say.accept("Training a " + o.trees() + "-tree model into it and making it champion...");
                Seeded seeded = seed(config, dir.resolve("uploads"), o.trees());
                BenchModel model = seeded.model();
                Path bareModel = Files.createDirectories(dir.resolve("bare-model"));
                Files.write(bareModel.resolve("model.json"), seeded.modelJson());
                List<String> bareArgs = List.of(ColdStartLauncher.BARE, bareModel.toString(),
                        Integer.toString(seeded.width()));
                Path event = dir.resolve("event.json");
                Files.write(event, InferenceBench.event(InferenceBench.template(), "/models/" + model.name() + "/predict",
                        "cold-start", List.of(model.rows().get(0))));
                Path launcher = extractLauncher(dir.resolve("launcher"));
                Map<String, String> env = environment(config, moto);
                say.accept("One launch not counted (the jar's first read after a build comes from disk)...");
                List<String> handlerArgs = List.of(event.toString());
                Run first = launch(o, jar, launcher, handlerArgs, env, model.name(), dir.resolve("run-warm"));
                List<Run> primed = new ArrayList<>();
                List<Run> lazy = new ArrayList<>();
                List<Run> bare = new ArrayList<>();
                for (int i = 0; i < o.runs(); i++) {
                    say.accept("Run " + (i + 1) + " of " + o.runs() + ": " + ServingConfig.MODEL
                            + " set (model loaded and primed in the constructor), unset (loaded by the first "
                            + "request), and DJL's predictor alone...");
                    primed.add(launch(o, jar, launcher, handlerArgs, env, model.name(), dir.resolve("run-p" + i)));
                    lazy.add(launch(o, jar, launcher, handlerArgs, env, null, dir.resolve("run-l" + i)));
                    bare.add(launch(o, jar, launcher, bareArgs, env, null, dir.resolve("run-b" + i)));
                }
                ObjectNode r = Json.object();
                r.put("benchmark", "cold-start");
                r.put("jar", jar.toString());
                long bytes = Files.size(jar);
                r.put("jar_mb", InferenceBench.round(bytes / 1e6, 1));
                r.put("jar_mib", InferenceBench.round(bytes / (1024.0 * 1024.0), 1));
                r.put("java", javaVersion(o.java()));
                r.put("jvm_options", String.join(" ", o.jvmOptions()));
                r.put("cpus", Runtime.getRuntime().availableProcessors());
                r.put("store", "moto server on 127.0.0.1 (S3 and DynamoDB over plain HTTP; AWS adds TLS and "
                        + "network round trips)");
                r.put("trees", model.trees());
                r.put("runs", o.runs());
                summarize(r, primed);
                summarize(r.putObject("lazy"), lazy);
                summarize(r.putObject("bare_djl_predictor"), bare);
                r.put("uncounted_first_launch_ms", InferenceBench.round(first.responded()));
                ObjectNode targets = r.putObject("targets");
                targets.put("first_response_under_600_ms", r.path("first_response_ms").asDouble() < 600);
                targets.put("jar_under_40_mb", bytes < 40_000_000L);
                r.put("load_average_before", loadBefore);
                r.put("load_average_after", InferenceBench.loadAverage());
                return r;
            }
        } finally {
            ScratchFolder.delete(dir);
        }
    }

    /** The packaged Lambda jar under functions/inference/target, looked for from {@code from} up. */
    public static Path locate(Path from) throws IOException {
        for (Path d = from; d != null; d = d.getParent()) {
            Path target = d.resolve("functions/inference/target");
            if (Files.isDirectory(target)) {
                try (Stream<Path> files = Files.list(target)) {
                    var jar = files.filter(f -> f.getFileSystem().getPathMatcher("glob:" + LAMBDA_JAR_GLOB)
                            .matches(f.getFileName())).max(Comparator.comparingLong(ColdStartBench::modified));
                    if (jar.isPresent()) {
                        return jar.get();
                    }
                }
            }
        }
        throw new IllegalStateException("no packaged inference function (functions/inference/target/"
                + LAMBDA_JAR_GLOB + ") in " + from + " or a folder above it: build it in the repository root with `"
                + BUILD_COMMAND + "`, or pass --jar");
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The champion in the emulator, and its package's model file and input width for the reference run. */
    private record Seeded(BenchModel model, byte[] modelJson, int width) {
    }

    private static Seeded seed(FlywheelConfig config, Path uploads, int trees) {
        AwsClients clients = AwsClients.create(config);
        clients.s3().createBucket(b -> b.bucket(BUCKET));
        new DynamoDbMetadataTable(clients.dynamoDb(), TABLE).createTableIfMissing();
        try (Stores stores = AwsStores.open(config, Clock.systemUTC())) {
            BenchModel model = BenchModel.train(stores, uploads, InferenceBench.MODEL, trees);
            Map<String, byte[]> files = BenchModel.packageFiles(stores, model.version());
            FittedPipeline pipeline = Json.read(new String(files.get(PackageFiles.PIPELINE), StandardCharsets.UTF_8),
                    FittedPipeline.class);
            return new Seeded(model, files.get(PackageFiles.MODEL), pipeline.width());
        }
    }

    /** A Lambda container's environment: the function's variables and little else. */
    private static Map<String, String> environment(FlywheelConfig config, MotoServer moto) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null ? "/usr/bin:/bin" : path);
        env.put("LANG", "C.UTF-8");
        env.put(FlywheelConfig.MODE, "aws");
        env.put(FlywheelConfig.BUCKET, config.bucket());
        env.put(FlywheelConfig.TABLE, config.table());
        env.put(FlywheelConfig.REGION, config.region());
        env.put(FlywheelConfig.ENDPOINT, moto.endpoint().toString());
        return env;
    }

    private static Run launch(Options o, Path jar, Path launcher, List<String> args, Map<String, String> env,
                              String model, Path runDir) throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        List<String> command = new ArrayList<>();
        command.add(o.java().toString());
        command.addAll(o.jvmOptions());
        command.add("-Djava.io.tmpdir=" + runDir);
        command.add("-cp");
        command.add(jar + File.pathSeparator + launcher);
        command.add(ColdStartLauncher.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(runDir.resolve("stderr.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        if (model != null) {
            builder.environment().put(ServingConfig.MODEL, model);
        }
        Path stdout = runDir.resolve("stdout.log");
        long spawn = micros(Instant.now());
        Process process = builder.start();
        String result = null;
        StringBuilder response = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var log = Files.newBufferedWriter(stdout)) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.write(line);
                log.newLine();
                if (line.startsWith(ColdStartLauncher.MARK + "{")) {
                    result = line.substring(ColdStartLauncher.MARK.length());
                } else if (line.startsWith(ColdStartLauncher.MARK)) {
                    response.append(line.substring(ColdStartLauncher.MARK.length()));
                }
            }
        }
        if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the Lambda jar's JVM did not finish in " + RUN_TIMEOUT_SECONDS + " s");
        }
        if (result == null || process.exitValue() != 0) {
            throw new IllegalStateException("the Lambda jar's JVM exited with " + process.exitValue()
                    + (response.isEmpty() ? "" : "; " + response) + "; its output: " + tail(stdout) + " "
                    + tail(runDir.resolve("stderr.log")));
        }
        JsonNode t = Json.tree(result);
        return new Run((t.path("main").asLong() - spawn) / 1000.0, (t.path("constructed").asLong() - spawn) / 1000.0,
                (t.path("responded").asLong() - spawn) / 1000.0, t.path("secondRequestMicros").asLong() / 1000.0);
    }

    private static void summarize(ObjectNode node, List<Run> runs) {
        node.put("first_response_ms", InferenceBench.round(median(runs.stream().mapToDouble(Run::responded)
                .toArray())));
        ArrayNode each = node.putArray("first_response_ms_runs");
        runs.forEach(r -> each.add(InferenceBench.round(r.responded())));
        ObjectNode split = node.putObject("split_ms");
        split.put("spawn_to_main", InferenceBench.round(median(runs.stream().mapToDouble(Run::main).toArray())));
        split.put("main_to_handler_constructed", InferenceBench.round(median(runs.stream()
                .mapToDouble(r -> r.constructed() - r.main()).toArray())));
        split.put("handler_constructed_to_first_response", InferenceBench.round(median(runs.stream()
                .mapToDouble(r -> r.responded() - r.constructed()).toArray())));
        if (runs.stream().anyMatch(r -> r.secondRequestMillis() > 0)) {
            node.put("second_request_ms", InferenceBench.round(median(runs.stream()
                    .mapToDouble(Run::secondRequestMillis).toArray()), 2));
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The launcher's class file in a folder of its own, for the runs' class path after the Lambda jar. */
    private static Path extractLauncher(Path dir) throws IOException {
        String name = ColdStartLauncher.class.getName().replace('.', '/') + ".class";
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        try (InputStream in = ColdStartLauncher.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path: rebuild the CLI");
            }
            Files.copy(in, file);
        }
        return dir;
    }

    private static String javaVersion(Path java) {
        try {
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return text.lines().findFirst().orElse("unknown").trim();
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.length() > 800 ? "..." + text.substring(text.length() - 800) : text;
        } catch (IOException e) {
            return "";
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }
}
