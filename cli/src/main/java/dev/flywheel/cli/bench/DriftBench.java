package dev.flywheel.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.io.ScratchFolder;
import dev.flywheel.json.Json;
import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.statistics.BaselineProfile.FeatureProfile;
import dev.flywheel.monitoring.DriftPolicy;
import dev.flywheel.monitoring.DriftScorer;
import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import dev.flywheel.statistics.NumericTests;
import dev.flywheel.statistics.NumericWindow;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * {@code flywheel bench drift}: the drift monitor's numeric work at scale, on one thread. A baseline profile per
 * feature ({@link BaselineProfile.NumericBuilder} over seeded rows), then {@code rows} seeded values per feature
 * streamed in chunks through one {@link NumericWindow} per feature ({@code add(double)}, what the monitor does per
 * value), then each window scored against its baseline as {@code DriftScorer} scores a numeric feature (KS,
 * Wasserstein normalised by the baseline's std, PSI over the baseline's bins). Values are generated into a reused
 * chunk buffer outside the timed part, so memory does not grow with the rows and the times are the monitor's.
 * The same values (a subset of features, written as raw float64 files) then go through scipy's {@code ks_2samp} and a
 * numpy PSI in a Python child process, for speed and for the KS statistic beside ours.
 */
public final class DriftBench {
    public static final long DEFAULT_ROWS = 10_000_000L;
    public static final int DEFAULT_FEATURES = 20;
    /** Rows generated at a time into the reused buffer. */
    static final int CHUNK_ROWS = 65_536;
    /** Baseline rows per feature: above BaselineProfile.EXACT_LIMIT, so the baseline is a KLL sketch as in production. */
    static final int BASELINE_ROWS = 100_000;
    /** Values handed to scipy at most (160 MB of float64 files): as many features, from the first, as fit. */
    static final long SCIPY_VALUE_BUDGET = 20_000_000L;
    /** Above this many rows not even one feature goes to scipy (numpy holds it, and ks_2samp sorts a copy). */
    static final long SCIPY_MAX_ROWS = 50_000_000L;
    /** Values through a throw-away window before anything is timed, so the JIT has compiled add(). */
    static final int WARMUP_VALUES = 1_000_000;
    /** Values per turn of the breakdown (bin search, KLL update, the whole add), in 3 rounds of turns. */
    static final int BREAKDOWN_VALUES = 2_000_000;
    static final String SCRIPT = "/bench/drift_scipy.py";
    static final long SCIPY_TIMEOUT_SECONDS = 1800;
    private static final long SEED = 0x0d1f_7be7_c4L;
    private static final String[] KINDS = {"normal", "lognormal", "uniform", "exponential"};
    /** Shift of the drifted features, in units of the feature's nominal standard deviation. */
    static final double SHIFT_STDS = 0.1;
    private static volatile long sink;

    /**
     * @param scipy  whether to run the scipy comparison
     * @param python the interpreter with numpy and scipy
     */
    public record Options(long rows, int features, boolean scipy, String python) {
    }

    private DriftBench() {
    }

    public static ObjectNode run(Options o, Consumer<String> say) throws Exception {
        String loadBefore = InferenceBench.loadAverage();
        int features = o.features();
        int compared = scipyFeatures(o);
        Path dir = ScratchFolder.createDirectory("bench-drift-");
        try {
            double[] buf = new double[CHUNK_ROWS];
            ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK_ROWS * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);

            say.accept("Building " + features + " baseline profiles of " + BASELINE_ROWS + " rows each (not timed with "
                    + "the stream)...");
            long b0 = System.nanoTime();
            FeatureProfile[] profiles = new FeatureProfile[features];
            for (int f = 0; f < features; f++) {
                BaselineProfile.NumericBuilder builder = new BaselineProfile.NumericBuilder();
                SplittableRandom random = new SplittableRandom(SEED + 2L * f);
                try (FileChannel file = f < compared ? FileChannel.open(baselineFile(dir, f),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE) : null) {
                    for (int done = 0; done < BASELINE_ROWS; done += CHUNK_ROWS) {
                        int n = Math.min(CHUNK_ROWS, BASELINE_ROWS - done);
                        fill(random, f, false, buf, n);
                        for (int i = 0; i < n; i++) {
                            builder.add(buf[i]);
                        }
                        if (file != null) {
                            write(file, bytes, buf, n);
                        }
                    }
                }
                profiles[f] = builder.build();
            }
            double baselineSeconds = (System.nanoTime() - b0) / 1e9;

            say.accept("Warming up: " + WARMUP_VALUES + " values through a throw-away window, and one scoring...");
            warmUp(profiles[0], buf);

            NumericWindow[] windows = new NumericWindow[features];
            SplittableRandom[] randoms = new SplittableRandom[features];
            FileChannel[] files = new FileChannel[compared];
            for (int f = 0; f < features; f++) {
                windows[f] = new NumericWindow(profiles[f].bins());
                randoms[f] = new SplittableRandom(SEED + 2L * f + 1);
            }
            long sketchNanos = 0;
            long generateNanos = 0;
            long writeNanos = 0;
            long cpu0 = Harness.processCpuNanos();
            long wall0 = System.nanoTime();
            try {
                for (int f = 0; f < compared; f++) {
                    files[f] = FileChannel.open(currentFile(dir, f), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                }
                long chunks = (o.rows() + CHUNK_ROWS - 1) / CHUNK_ROWS;
                long nextReport = Math.max(1, chunks / 10);
                say.accept("Streaming " + o.rows() + " rows x " + features + " features (" + chunks + " chunks of "
                        + CHUNK_ROWS + " rows) through one NumericWindow per feature...");
                long done = 0;
                for (long c = 0; c < chunks; c++) {
                    int n = (int) Math.min(CHUNK_ROWS, o.rows() - done);
                    for (int f = 0; f < features; f++) {
                        long g0 = System.nanoTime();
                        fill(randoms[f], f, true, buf, n);
                        long t0 = System.nanoTime();
                        NumericWindow w = windows[f];
                        for (int i = 0; i < n; i++) {
                            w.add(buf[i]);
                        }
                        long t1 = System.nanoTime();
                        generateNanos += t0 - g0;
                        sketchNanos += t1 - t0;
                        if (f < compared) {
                            write(files[f], bytes, buf, n);
                            writeNanos += System.nanoTime() - t1;
                        }
                    }
                    done += n;
                    if ((c + 1) % nextReport == 0 && c + 1 < chunks) {
                        say.accept(String.format(java.util.Locale.ROOT, "  %d of %d rows, %.1f M values/s in the "
                                        + "windows so far", done, o.rows(),
                                done * (double) features / (sketchNanos / 1e9) / 1e6));
                    }
                }
            } finally {
                for (FileChannel file : files) {
                    if (file != null) {
                        file.close();
                    }
                }
            }
            long streamWall = System.nanoTime() - wall0;
            long streamCpu = cpu0 < 0 ? -1 : Harness.processCpuNanos() - cpu0;

            say.accept("Scoring every window against its baseline (KS, Wasserstein, PSI)...");
            long s0 = System.nanoTime();
            FeatureResult[] scored = new FeatureResult[features];
            for (int f = 0; f < features; f++) {
                scored[f] = score(profiles[f], windows[f]);
            }
            double scoreSeconds = (System.nanoTime() - s0) / 1e9;

            long values = 0;
            for (NumericWindow w : windows) {
                values += w.count();
            }
            double sketchSeconds = sketchNanos / 1e9;
            double seconds = sketchSeconds + scoreSeconds;
            double perSecond = values / seconds;

            ObjectNode r = Json.object();
            r.put("benchmark", "drift");
            r.put("rows", o.rows());
            r.put("features", features);
            r.put("values", values);
            r.put("threads", 1);
            r.put("ours", "streaming: each value through NumericWindow.add (baseline-bin search, KLL k=200 update, "
                    + "the first 5000 kept exactly), then per feature NumericTests.ks (sketch against the baseline's "
                    + "sketch), wasserstein (normalised by the baseline's std) and psi over the baseline's bins, as "
                    + "DriftScorer scores a numeric feature; one thread; value generation excluded");
            r.put("seconds", round(seconds, 3));
            r.put("values_per_second", Math.round(perSecond));
            r.put("values_per_second_per_core", Math.round(perSecond));
            r.put("sketch_seconds", round(sketchSeconds, 3));
            r.put("score_seconds", round(scoreSeconds, 4));
            r.put("sketch_ns_per_value", round(sketchNanos / (double) values, 2));
            r.put("generation_seconds", round(generateNanos / 1e9, 3));
            r.put("scipy_files_seconds", round(writeNanos / 1e9, 3));
            r.put("stream_wall_seconds", round(streamWall / 1e9, 3));
            if (streamCpu >= 0) {
                r.put("stream_process_cpu_seconds", round(streamCpu / 1e9, 3));
            }
            r.put("baseline_rows", BASELINE_ROWS);
            r.put("baseline_seconds", round(baselineSeconds, 3));
            r.put("chunk_rows", CHUNK_ROWS);
            r.put("data", "seeded per feature, cycling normal(f, 1), lognormal(0, 0.5), uniform(0, 10), "
                    + "exponential(1); every odd feature shifted by " + SHIFT_STDS + " of its std in the window");

            System.gc();
            Memory memory = Memory.now();
            r.put("peak_rss_mb", memory.peakRssMb());
            r.put("rss_mb", memory.rssMb());
            r.put("heap_used_mb", memory.heapUsedMb());
            r.put("max_heap_mb", Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0)));
            r.put("memory_note", "peak_rss_mb is VmHWM of this JVM (the whole process, the baseline build included, "
                    + "Python not); heap_used_mb is after a System.gc()");

            say.accept("Breakdown of one add(): bin search and KLL update alone, on " + BREAKDOWN_VALUES
                    + " values each in 3 rounds...");
            r.set("breakdown_ns_per_value", breakdown(profiles[0], buf));

            ArrayNode perFeature = r.putArray("per_feature");
            for (int f = 0; f < features; f++) {
                ObjectNode n = perFeature.addObject();
                n.put("name", name(f));
                n.put("distribution", KINDS[(f / 2) % KINDS.length]);
                n.put("shifted", shifted(f));
                n.put("count", windows[f].count());
                n.put("ks", scored[f].ks());
                n.put("ks_p_value", scored[f].pValue());
                n.put("ks_error_bound", scored[f].ksErrorBound());
                n.put("wasserstein_normalised", scored[f].wasserstein());
                n.put("psi", scored[f].psi());
            }

            scipy(o, r, dir, profiles, scored, compared, perSecond, say);

            r.put("cpus", Runtime.getRuntime().availableProcessors());
            r.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            r.put("jvm_options", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
            ObjectNode targets = r.putObject("targets");
            targets.put("at_least_10m_values_per_second_per_core", perSecond >= 10_000_000);
            r.put("load_average_before", loadBefore);
            r.put("load_average_after", InferenceBench.loadAverage());
            return r;
        } finally {
            ScratchFolder.delete(dir);
        }
    }

    /** How many features, from the first, scipy gets: as many as fit {@link #SCIPY_VALUE_BUDGET}, all rows each. */
    static int scipyFeatures(Options o) {
        if (!o.scipy() || o.rows() > SCIPY_MAX_ROWS) {
            return 0;
        }
        return (int) Math.min(o.features(), Math.max(1, SCIPY_VALUE_BUDGET / o.rows()));
    }

    private static final DriftScorer SCORER = new DriftScorer(DriftPolicy.DEFAULTS);

    /** One window scored exactly as the drift monitor scores a numeric feature (KS, Wasserstein, PSI, chart). */
    static FeatureResult score(FeatureProfile base, NumericWindow window) {
        return SCORER.numeric("feature", base, window);
    }

    static String name(int f) {
        return String.format(java.util.Locale.ROOT, "f%02d", f);
    }

    static boolean shifted(int f) {
        return f % 2 == 1;
    }

    /** Fills {@code buf[0..n)} with feature f's next values; the window's drifted features shifted. */
    static void fill(SplittableRandom random, int f, boolean window, double[] buf, int n) {
        int kind = (f / 2) % KINDS.length;
        double shift = window && shifted(f) ? SHIFT_STDS : 0;
        switch (kind) {
            case 0 -> {
                double mean = f + shift;
                for (int i = 0; i < n; i++) {
                    buf[i] = mean + random.nextGaussian();
                }
            }
            case 1 -> {
                double s = shift * 0.6; // lognormal(0, 0.5) has a std of about 0.6
                for (int i = 0; i < n; i++) {
                    buf[i] = Math.exp(0.5 * random.nextGaussian()) + s;
                }
            }
            case 2 -> {
                double s = shift * 10 / Math.sqrt(12);
                for (int i = 0; i < n; i++) {
                    buf[i] = 10 * random.nextDouble() + s;
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    buf[i] = -Math.log1p(-random.nextDouble()) + shift;
                }
            }
        }
    }

    private static void write(FileChannel file, ByteBuffer bytes, double[] buf, int n) throws IOException {
        bytes.clear();
        bytes.asDoubleBuffer().put(buf, 0, n);
        bytes.limit(n * Double.BYTES);
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
    }

    private static Path baselineFile(Path dir, int f) {
        return dir.resolve(name(f) + ".baseline.f64");
    }

    private static Path currentFile(Path dir, int f) {
        return dir.resolve(name(f) + ".current.f64");
    }

    private static void warmUp(FeatureProfile profile, double[] buf) {
        NumericWindow w = new NumericWindow(profile.bins());
        SplittableRandom random = new SplittableRandom(SEED - 1);
        for (int done = 0; done < WARMUP_VALUES; done += CHUNK_ROWS) {
            fill(random, 0, true, buf, CHUNK_ROWS);
            for (int i = 0; i < CHUNK_ROWS; i++) {
                w.add(buf[i]);
            }
        }
        sink += Double.doubleToLongBits(score(profile, w).psi());
    }

    /**
     * What one add() costs, split: the baseline-bin search alone, a bare KLL (k = 200) update alone, and the whole
     * NumericWindow.add, each over the same values (one chunk cycled), in 3 rounds of turns.
     */
    private static ObjectNode breakdown(FeatureProfile profile, double[] buf) {
        double[] edges = profile.bins();
        fill(new SplittableRandom(SEED + 1), 0, true, buf, CHUNK_ROWS);
        long bin = 0;
        long kll = 0;
        long add = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            long acc = 0;
            for (int done = 0; done < BREAKDOWN_VALUES; done += CHUNK_ROWS) {
                for (int i = 0; i < CHUNK_ROWS; i++) {
                    acc += NumericTests.bin(edges, buf[i]);
                }
            }
            long t1 = System.nanoTime();
            KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
            for (int done = 0; done < BREAKDOWN_VALUES; done += CHUNK_ROWS) {
                for (int i = 0; i < CHUNK_ROWS; i++) {
                    sketch.update(buf[i]);
                }
            }
            long t2 = System.nanoTime();
            NumericWindow w = new NumericWindow(edges);
            for (int done = 0; done < BREAKDOWN_VALUES; done += CHUNK_ROWS) {
                for (int i = 0; i < CHUNK_ROWS; i++) {
                    w.add(buf[i]);
                }
            }
            long t3 = System.nanoTime();
            sink += acc + sketch.getN() + w.count();
            bin += t1 - t0;
            kll += t2 - t1;
            add += t3 - t2;
        }
        int per = (BREAKDOWN_VALUES + CHUNK_ROWS - 1) / CHUNK_ROWS * CHUNK_ROWS;
        double n = 3.0 * per;
        ObjectNode out = Json.object();
        out.put("bin_search", round(bin / n, 2));
        out.put("kll_update", round(kll / n, 2));
        out.put("window_add", round(add / n, 2));
        out.put("note", "each alone on one chunk of feature f00 cycled; window_add is the whole add() (bin search, "
                + "KLL update, counters); the parts need not sum to it exactly");
        return out;
    }

    private static void scipy(Options o, ObjectNode r, Path dir, FeatureProfile[] profiles, FeatureResult[] scored,
                              int compared, double ours, Consumer<String> say) throws IOException,
            InterruptedException {
        ObjectNode s = r.putObject("scipy");
        s.put("what", "scipy.stats.ks_2samp(baseline, current) (method \"auto\": exact only when both sides hold at "
                + "most 10000 values, else asymptotic) plus a numpy PSI over the same baseline bins, per feature, on "
                + "raw float64 arrays already in memory (reading the files excluded); the same generated values");
        String reason = null;
        if (!o.scipy()) {
            reason = "--no-scipy";
        } else if (compared == 0) {
            reason = "more than " + SCIPY_MAX_ROWS + " rows: one feature's values would not fit scipy's memory here";
        }
        JsonNode out = null;
        if (reason == null) {
            s.put("features", compared);
            s.put("rows", o.rows());
            s.put("selection", "the first " + compared + " of " + o.features() + " features (as many as fit "
                    + SCIPY_VALUE_BUDGET + " values), all rows of each, and the " + BASELINE_ROWS
                    + "-row baseline sample of each");
            say.accept("Running scipy on the first " + compared + " feature(s), " + o.rows() + " rows each, with "
                    + o.python() + "...");
            Path manifest = dir.resolve("manifest.json");
            ObjectNode m = Json.object();
            ArrayNode list = m.putArray("features");
            for (int f = 0; f < compared; f++) {
                ObjectNode n = list.addObject();
                n.put("name", name(f));
                n.put("baseline", baselineFile(dir, f).toString());
                n.put("current", currentFile(dir, f).toString());
                ArrayNode edges = n.putArray("edges");
                for (double e : profiles[f].bins()) {
                    edges.add(e);
                }
            }
            Files.writeString(manifest, Json.mapper().writeValueAsString(m));
            Path script = dir.resolve("drift_scipy.py");
            try (InputStream in = DriftBench.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException(SCRIPT + " is not on the class path: rebuild the CLI");
                }
                Files.copy(in, script);
            }
            Result result = python(o.python(), script, manifest, dir.resolve("scipy.err"));
            if (result.reason() != null) {
                reason = result.reason();
            } else {
                out = result.json();
            }
        }
        if (reason != null) {
            s.putNull("values_per_second");
            s.put("reason", reason);
            r.putNull("scipy_values_per_second");
            r.putNull("scipy_values");
            r.putNull("speedup");
            r.put("scipy_reason", reason);
            return;
        }
        s.put("python", out.path("python").asText());
        s.put("numpy", out.path("numpy").asText());
        s.put("scipy", out.path("scipy").asText());
        s.put("values", out.path("values").asLong());
        s.put("seconds", round(out.path("seconds").asDouble(), 3));
        s.put("ks_seconds", round(out.path("ks_seconds").asDouble(), 3));
        s.put("psi_seconds", round(out.path("psi_seconds").asDouble(), 3));
        double theirs = out.path("values_per_second").asDouble();
        s.put("values_per_second", Math.round(theirs));
        r.put("scipy_values_per_second", Math.round(theirs));
        r.put("scipy_values", out.path("values").asLong());
        r.put("speedup", round(ours / theirs, 2));
        ArrayNode ks = r.putArray("ks_comparison");
        JsonNode theirFeatures = out.path("features");
        for (int f = 0; f < compared && f < theirFeatures.size(); f++) {
            JsonNode t = theirFeatures.get(f);
            FeatureResult k = scored[f];
            double difference = k.ks() - t.path("ks_statistic").asDouble();
            ObjectNode c = ks.addObject();
            c.put("name", name(f));
            c.put("shifted", shifted(f));
            c.put("ours", k.ks());
            c.put("scipy", t.path("ks_statistic").asDouble());
            c.put("difference", difference);
            c.put("error_bound", k.ksErrorBound());
            c.put("within_bound", Math.abs(difference) <= k.ksErrorBound());
            c.put("ours_p_value", k.pValue());
            c.put("scipy_p_value", t.path("ks_p_value").asDouble());
            c.put("scipy_method", t.path("ks_method").asText());
            c.put("ours_psi", scored[f].psi());
            c.put("scipy_psi", t.path("psi").asDouble());
        }
    }

    /** The script's JSON, or why there is none. */
    private record Result(JsonNode json, String reason) {
    }

    private static Result python(String python, Path script, Path manifest, Path stderr) throws InterruptedException,
            IOException {
        Process p;
        try {
            p = new ProcessBuilder(python, script.toString(), manifest.toString())
                    .redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            return new Result(null, "cannot run '" + python + "': " + e.getMessage()
                    + " (set FLYWHEEL_MOTO_PYTHON to a Python with numpy and scipy)");
        }
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(SCIPY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(null, "the scipy run took more than " + SCIPY_TIMEOUT_SECONDS + " s");
        }
        String err = Files.exists(stderr) ? Files.readString(stderr).strip() : "";
        if (p.exitValue() != 0 || text.isEmpty()) {
            return new Result(null, "'" + python + "' exited with " + p.exitValue() + ": "
                    + (err.length() > 600 ? "..." + err.substring(err.length() - 600) : err));
        }
        String last = text.lines().reduce((a, b) -> b).orElse("");
        JsonNode json;
        try {
            json = Json.tree(last);
        } catch (RuntimeException e) {
            return new Result(null, "the scipy script printed no JSON: " + last);
        }
        if (json.hasNonNull("error")) {
            return new Result(null, json.path("error").asText());
        }
        return new Result(json, null);
    }

    /** This process's memory: VmHWM and VmRSS from /proc/self/status, and the heap in use. */
    record Memory(Double peakRssMb, Double rssMb, double heapUsedMb) {
        static Memory now() {
            Double hwm = null;
            Double rss = null;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        hwm = kbToMb(line);
                    } else if (line.startsWith("VmRSS:")) {
                        rss = kbToMb(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: left null
            }
            double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
            return new Memory(hwm, rss, round(heap, 1));
        }

        private static double kbToMb(String line) {
            String[] parts = line.trim().split("\\s+");
            return round(Long.parseLong(parts[1]) / 1024.0, 1);
        }
    }

    static double round(double value, int decimals) {
        return InferenceBench.round(value, decimals);
    }
}
