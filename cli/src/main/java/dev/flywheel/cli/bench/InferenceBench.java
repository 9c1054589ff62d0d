package dev.flywheel.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.functions.inference.InferenceHandler;
import dev.flywheel.functions.inference.InferenceStages;
import dev.flywheel.functions.inference.ProxyRequest;
import dev.flywheel.functions.inference.ProxyResponse;
import dev.flywheel.io.ScratchFolder;
import dev.flywheel.json.Json;
import dev.flywheel.serving.DjlModelPredictor;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.ModelPackage;
import dev.flywheel.serving.Prediction;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.serving.online.InstanceReader;
import dev.flywheel.serving.online.ModelSelector;
import dev.flywheel.store.Stores;
import dev.flywheel.store.local.LocalStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;

/**
 * {@code flywheel bench inference}: on the same test rows of one served model, the bare DJL predictor, the whole
 * handler from API Gateway event bytes to response bytes (1-row and batch requests), one thread's requests per
 * second, and each stage of a 1-row request on its own, down to xgboost4j's own calls, so that the report shows where
 * a request's time goes.
 */
public final class InferenceBench {
    static final String EVENT_RESOURCE = "/bench/api-gateway-rest-proxy.json";
    static final String MODEL = "credit-risk-bench";
    static final int MAX_DEPTH = 4;
    /** Rows of the batch whose cost per row is the trees' own cost (per-call overhead spread thin). */
    static final int TREES_BATCH = 2000;
    /** Rounds of turns of the timed calls (see {@link Harness#latencies}). */
    static final int ROUNDS = 30;
    private static final ObjectReader EVENTS = Json.mapper().readerFor(ProxyRequest.class);
    private static final ObjectWriter RESPONSES = Json.mapper().writerFor(ProxyResponse.class);

    /**
     * @param rows      test rows to cycle through (0: all of them)
     * @param batchRows rows in each batch request
     * @param seconds   measuring time of each main measurement; each stage gets half, and each warm-up as long
     */
    public record Options(int rows, int trees, double seconds, int batchRows) {
    }

    private InferenceBench() {
    }

    public static ObjectNode run(Options options, Consumer<String> say) throws Exception {
        Path dir = ScratchFolder.createDirectory("bench-inference-");
        Clock clock = Clock.systemUTC();
        String loadBefore = loadAverage();
        try (Stores stores = LocalStores.open(dir.resolve("home"), clock);
             PrintStream metricsOut = metricsStream()) {
            say.accept("Training a " + options.trees() + "-tree model on the bundled German Credit data...");
            long t0 = System.nanoTime();
            BenchModel model = BenchModel.train(stores, dir.resolve("uploads"), MODEL, options.trees());
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            if (model.trees() != options.trees()) {
                say.accept("note: the package holds " + model.trees() + " trees, not " + options.trees());
            }
            InferenceService serviceOn = new InferenceService(stores, clock, ServingConfig.defaults());
            InferenceService serviceOff = new InferenceService(stores, clock,
                    ServingConfig.defaults().withCapture(0, 500, 60));
            DjlModelPredictor predictor = ModelPackage.load(stores.artifacts(), model.version().artifactUri(),
                    model.version().artifactSha256());
            // As the served booster (ModelPackage sets one thread), and as xgboost4j loads it (every core).
            Booster booster = BenchModel.booster(stores, model.version(), 1);
            Booster allThreads = BenchModel.booster(stores, model.version(), 0);
            try {
                Inputs in = Inputs.build(model, predictor, options);
                InferenceHandler handlerOn = new InferenceHandler(serviceOn, metricsOut);
                InferenceHandler handlerOff = new InferenceHandler(serviceOff, metricsOut);
                in.check(handlerOn, predictor);
                ObjectNode result = measure(options, in, model, predictor, booster, allThreads, handlerOn,
                        handlerOff, metricsOut, say);
                ObjectNode captured = result.putObject("captures_with_capture_on");
                captured.put("rows_written", serviceOn.captures().written());
                captured.put("rows_dropped", serviceOn.captures().dropped());
                result.put("train_seconds", round(trainSeconds, 2));
                result.put("load_average_before", loadBefore);
                result.put("load_average_after", loadAverage());
                return result;
            } finally {
                booster.dispose();
                allThreads.dispose();
                predictor.close();
                serviceOn.close();
                serviceOff.close();
            }
        } finally {
            ScratchFolder.delete(dir);
        }
    }

    private static ObjectNode measure(Options o, Inputs in, BenchModel model, DjlModelPredictor predictor,
                                      Booster booster, Booster allThreads, InferenceHandler handlerOn,
                                      InferenceHandler handlerOff, PrintStream metricsOut, Consumer<String> say)
            throws Exception {
        double s = o.seconds();
        int n = in.rows.size();
        int b = in.batchEvents.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);

        double h = s / 2;
        int maxBody = handlerOn.api().service().config().maxBodyBytes();
        int maxInstances = handlerOn.api().service().config().maxInstances();
        FittedPipeline pipeline = predictor.pipeline();
        InstanceReader reader = new InstanceReader(pipeline, predictor.schema());
        InferenceStages stages = new InferenceStages(metricsOut);
        InferenceService service = handlerOn.api().service();
        DMatrix many = new DMatrix(in.manyFeatures, TREES_BATCH, pipeline.width(), Float.NaN);
        Map<String, Harness.Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put("bare", new Harness.Scenario(i -> predictor.predictBatch(List.of(in.rows.get(i % n))).size(),
                s));
        scenarios.put("handler", new Harness.Scenario(i -> handle(handlerOn, in.events[i % n], out), s));
        scenarios.put("handler_capture_off", new Harness.Scenario(i -> handle(handlerOff, in.events[i % n], out),
                s));
        scenarios.put("handler_batch", new Harness.Scenario(i -> handle(handlerOn, in.batchEvents[i % b], out), s));
        scenarios.put("bare_batch", new Harness.Scenario(i -> predictor.predictBatch(in.batchRows.get(i % b)).size(),
                h));
        scenarios.put("event_parse", new Harness.Scenario(i -> EVENTS.<ProxyRequest>readValue(in.events[i % n])
                .body().length(), h));
        scenarios.put("body_parse", new Harness.Scenario(i -> InferenceStages.body(in.requests.get(i % n), maxBody)
                .size(), h));
        scenarios.put("instances_check", new Harness.Scenario(i -> reader.rows(in.bodies.get(i % n)
                .get("instances"), maxInstances).size(), h));
        scenarios.put("model_lease", new Harness.Scenario(i -> {
            try (var lease = service.models().acquire(model.name(), ModelSelector.champion())) {
                return lease.version().version();
            }
        }, h));
        scenarios.put("pipeline_transform", new Harness.Scenario(i -> pipeline.transform(List.of(in.rows
                .get(i % n))).length, h));
        scenarios.put("xgboost4j_dmatrix_and_predict", new Harness.Scenario(i -> {
            DMatrix matrix = new DMatrix(in.features.get(i % n), 1, pipeline.width(), Float.NaN);
            try {
                return booster.predict(matrix).length;
            } finally {
                matrix.dispose();
            }
        }, h));
        scenarios.put("xgboost4j_dmatrix_and_predict_all_threads", new Harness.Scenario(i -> {
            DMatrix matrix = new DMatrix(in.features.get(i % n), 1, pipeline.width(), Float.NaN);
            try {
                return allThreads.predict(matrix).length;
            } finally {
                matrix.dispose();
            }
        }, h));
        scenarios.put("xgboost4j_inplace_predict", new Harness.Scenario(i -> booster.inplace_predict(in.features
                .get(i % n), 1, pipeline.width(), Float.NaN).length, h));
        scenarios.put("trees_batch", new Harness.Scenario(i -> booster.predict(many).length, h));
        scenarios.put("response_build", new Harness.Scenario(i -> InferenceStages.predictResponse(in.scored
                .get(i % n), in.requestIds.get(i % n)).body().length(), h));
        scenarios.put("response_write", new Harness.Scenario(i -> {
            out.reset();
            RESPONSES.writeValue(out, in.responses.get(i % n));
            return out.size();
        }, h));
        scenarios.put("emf_line", new Harness.Scenario(i -> {
            stages.metricsLine(System.currentTimeMillis(), model.name(), model.version().version(), 0.123, 1,
                    in.requestIds.get(i % n));
            return 1;
        }, h));
        scenarios.put("api_handle", new Harness.Scenario(i -> handlerOn.api().handle(in.requests.get(i % n), null)
                .statusCode(), h));
        say.accept("Timing " + scenarios.size() + " calls in " + ROUNDS + " rounds of turns (the bare predictor, the "
                + "handler with 1-row and " + o.batchRows() + "-row requests, capture on and off, each stage of a "
                + "request alone), about "
                + Math.round(scenarios.values().stream().mapToDouble(Harness.Scenario::seconds).sum() * 2) + " s...");
        Map<String, Harness.Measured> t;
        try {
            t = Harness.latencies(scenarios, s, ROUNDS);
        } finally {
            many.dispose();
        }
        Map<String, LatencySamples> stage = new LinkedHashMap<>();
        t.forEach((name, measured) -> stage.put(name, measured.samples()));
        for (String main : List.of("bare", "handler", "handler_capture_off", "handler_batch", "bare_batch",
                "trees_batch")) {
            stage.remove(main);
        }
        return report(o, in, model, pipeline, t.get("bare").samples(), t.get("handler").samples(),
                t.get("handler_batch").samples(), t.get("bare_batch").samples(),
                t.get("handler_capture_off").samples(), t.get("handler").throughput(),
                t.get("handler_capture_off").throughput(), stage, t.get("trees_batch").samples());
    }

    private static ObjectNode report(Options o, Inputs in, BenchModel model, FittedPipeline pipeline,
                                     LatencySamples bare, LatencySamples handler, LatencySamples handlerBatch,
                                     LatencySamples bareBatch, LatencySamples handlerOff, Harness.Throughput on,
                                     Harness.Throughput off, Map<String, LatencySamples> stage,
                                     LatencySamples treesBatch) {
        ObjectNode r = Json.object();
        r.put("benchmark", "inference");
        r.put("harness", "hand-rolled: System.nanoTime around each call, after a warm-up of the same calls; the calls "
                + "timed in " + ROUNDS + " rounds of turns, so that the machine's drift falls on all alike; "
                + "percentiles by nearest rank over every sample; requests per second: the 1-row handler calls, back "
                + "to back on one thread, over their wall time; one thread");
        r.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        r.put("cpus", Runtime.getRuntime().availableProcessors());
        r.put("rows", in.rows.size());
        r.put("batch_rows", o.batchRows());
        r.put("trees", model.trees());
        r.put("seconds", o.seconds());
        ObjectNode m = r.putObject("model");
        m.put("name", model.name());
        m.put("version", model.version().version());
        m.put("trees", model.trees());
        m.put("max_depth", MAX_DEPTH);
        m.put("eta", model.eta());
        m.put("input_columns", pipeline.width());
        m.put("task", pipeline.task().name().toLowerCase());

        r.put("bare_p50_us", round(bare.p50()));
        r.put("bare_p90_us", round(bare.p90()));
        r.put("bare_p99_us", round(bare.p99()));
        r.put("handler_p50_us", round(handler.p50()));
        r.put("handler_p90_us", round(handler.p90()));
        r.put("handler_p99_us", round(handler.p99()));
        r.put("handler_100_p50_us", round(handlerBatch.p50()));
        r.put("handler_100_p90_us", round(handlerBatch.p90()));
        r.put("handler_100_p99_us", round(handlerBatch.p99()));
        r.put("handler_100_per_row_p50_us", round(handlerBatch.p50() / o.batchRows()));
        r.put("bare_100_p50_us", round(bareBatch.p50()));
        r.put("handler_capture_off_p50_us", round(handlerOff.p50()));
        r.put("requests_per_second_one_core", Math.round(on.callsPerSecond()));
        r.put("requests_per_second_one_core_capture_off", Math.round(off.callsPerSecond()));
        ObjectNode t = r.putObject("throughput");
        t.put("note", "1-row handler calls back to back on one thread, in their turns; process CPU in a turn also "
                + "counts the background work (capture writer, GC, JIT) that the turns before it left; run under "
                + "taskset -c 1 for one core in all");
        throughput(t.putObject("capture_on"), on);
        throughput(t.putObject("capture_off"), off);

        ObjectNode stages = r.putObject("stages");
        addStage(stages, "djl_predict", bare);
        stage.forEach((name, samples) -> addStage(stages, name, samples));
        ObjectNode trees = stages.putObject("xgboost_trees_per_row_in_batch");
        trees.put("batch_rows", TREES_BATCH);
        trees.put("p50_us", round(treesBatch.p50() / TREES_BATCH, 4));

        double transform = stage.get("pipeline_transform").p50();
        double xgboost = stage.get("xgboost4j_dmatrix_and_predict").p50();
        List<String> before = List.of("event_parse", "body_parse", "instances_check", "model_lease");
        List<String> after = List.of("response_build", "response_write", "emf_line");
        double sum = bare.p50();
        ObjectNode where = r.putObject("where_the_time_goes_p50_us");
        for (String name : before) {
            where.put(name, round(stage.get(name).p50()));
            sum += stage.get(name).p50();
        }
        where.put("djl_predict", round(bare.p50()));
        where.put("djl_predict.pipeline_transform", round(transform));
        where.put("djl_predict.xgboost_dmatrix_and_predict", round(xgboost));
        where.put("djl_predict.xgboost_trees_themselves", round(treesBatch.p50() / TREES_BATCH, 3));
        where.put("djl_predict.djl_wrapper", round(bare.p50() - transform - xgboost));
        for (String name : after) {
            where.put(name, round(stage.get(name).p50()));
            sum += stage.get(name).p50();
        }
        where.put("sum_of_stages", round(sum));
        where.put("handler_capture_off", round(handlerOff.p50()));
        where.put("unattributed", round(handlerOff.p50() - sum));
        where.put("capture_on_minus_off", round(handler.p50() - handlerOff.p50()));
        where.put("handler", round(handler.p50()));
        where.put("handler_minus_bare", round(handler.p50() - bare.p50()));

        ObjectNode targets = r.putObject("targets");
        targets.put("handler_p50_under_2x_bare", handler.p50() < 2 * bare.p50());
        targets.put("handler_p50_under_200_us", handler.p50() < 200);
        targets.put("at_least_5000_requests_per_second_one_core", on.callsPerSecond() >= 5000);
        return r;
    }

    private static void throughput(ObjectNode node, Harness.Throughput t) {
        node.put("requests", t.calls());
        node.put("wall_seconds", round(t.wallSeconds(), 3));
        node.put("requests_per_second", Math.round(t.callsPerSecond()));
        node.put("calling_thread_cpu_us_per_request", round(t.threadCpuMicrosPerCall()));
        node.put("process_cpu_us_per_request", round(t.processCpuMicrosPerCall()));
        node.put("requests_per_process_cpu_second", Math.round(t.callsPerProcessCpuSecond()));
        node.put("gc_collections", t.gcCount());
        node.put("gc_millis", t.gcMillis());
    }

    private static void addStage(ObjectNode stages, String name, LatencySamples samples) {
        ObjectNode s = stages.putObject(name);
        s.put("p50_us", round(samples.p50()));
        s.put("p90_us", round(samples.p90()));
        s.put("p99_us", round(samples.p99()));
        s.put("samples", samples.count());
    }

    private static long handle(InferenceHandler handler, byte[] event, ByteArrayOutputStream out) throws IOException {
        out.reset();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.size();
    }

    /**
     * Where the handler's metrics lines go: /dev/null through an auto-flushing PrintStream, one write(2) per line as
     * System.out on Lambda (the line is part of the handler's cost), or nowhere where there is no /dev/null.
     */
    private static PrintStream metricsStream() throws IOException {
        File devNull = new File("/dev/null");
        OutputStream out = devNull.exists() ? new FileOutputStream(devNull) : OutputStream.nullOutputStream();
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    /** The 1, 5 and 15 minute load averages, from /proc/loadavg (or the JVM's 1-minute figure). */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            double one = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.2f", one);
        }
    }

    static double round(double value) {
        return round(value, 1);
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** Everything the measurements cycle through, built before any is timed. */
    private static final class Inputs {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final List<List<Map<String, Object>>> batchRows = new ArrayList<>();
        final List<float[]> features = new ArrayList<>();
        final List<Prediction> predictions = new ArrayList<>();
        final List<String> requestIds = new ArrayList<>();
        final List<ProxyRequest> requests = new ArrayList<>();
        final List<JsonNode> bodies = new ArrayList<>();
        final List<InferenceService.Scored> scored = new ArrayList<>();
        final List<ProxyResponse> responses = new ArrayList<>();
        byte[][] events;
        byte[][] batchEvents;
        float[] manyFeatures;

        static Inputs build(BenchModel model, DjlModelPredictor predictor, Options options) throws IOException {
            Inputs in = new Inputs();
            List<Map<String, Object>> json = model.rows();
            int n = options.rows() <= 0 ? json.size() : Math.min(options.rows(), json.size());
            InstanceReader reader = new InstanceReader(predictor.pipeline(), predictor.schema());
            ObjectNode template = template();
            String path = "/models/" + model.name() + "/predict";
            in.events = new byte[n][];
            for (int i = 0; i < n; i++) {
                Map<String, Object> row = json.get(i);
                // The row as the handler reads it: the same values, types and checks as the bare predictor gets.
                Map<String, Object> checked = reader.rows(Json.toTree(List.of(row)), 1).get(0);
                in.rows.add(checked);
                in.features.add(predictor.pipeline().transform(List.of(checked)));
                String requestId = "bench-" + i;
                in.requestIds.add(requestId);
                in.events[i] = event(template, path, requestId, List.of(row));
                ProxyRequest request = EVENTS.readValue(in.events[i]);
                in.requests.add(request);
                in.bodies.add(Json.tree(request.body()));
                Prediction prediction = predictor.predictBatch(List.of(checked)).get(0);
                in.predictions.add(prediction);
                InferenceService.Scored scored = new InferenceService.Scored(model.version(), ModelAlias.CHAMPION,
                        predictor.pipeline(), List.of(prediction), true);
                in.scored.add(scored);
                in.responses.add(InferenceStages.predictResponse(scored, requestId));
            }
            int windows = Math.max(1, Math.min(n, 16));
            in.batchEvents = new byte[windows][];
            for (int w = 0; w < windows; w++) {
                List<Map<String, Object>> raw = new ArrayList<>();
                List<Map<String, Object>> checked = new ArrayList<>();
                for (int j = 0; j < options.batchRows(); j++) {
                    int k = (w * 7 + j) % n;
                    raw.add(json.get(k));
                    checked.add(in.rows.get(k));
                }
                in.batchRows.add(checked);
                in.batchEvents[w] = event(template, path, "bench-batch-" + w, raw);
            }
            int width = predictor.pipeline().width();
            in.manyFeatures = new float[TREES_BATCH * width];
            for (int r = 0; r < TREES_BATCH; r++) {
                System.arraycopy(in.features.get(r % n), 0, in.manyFeatures, r * width, width);
            }
            return in;
        }

        /** Every prepared request answers 200, and a 1-row request answers what the bare predictor says. */
        void check(InferenceHandler handler, DjlModelPredictor predictor) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < events.length; i++) {
                JsonNode predictions = call(handler, events[i], out).path("predictions");
                Prediction expected = this.predictions.get(i);
                if (expected.probabilities() == null) {
                    continue;
                }
                for (Map.Entry<String, Double> p : expected.probabilities().entrySet()) {
                    double served = predictions.path(0).path("probabilities").path(p.getKey()).asDouble(Double.NaN);
                    if (Math.abs(served - p.getValue()) > 1e-9) {
                        throw new IllegalStateException("the handler answered " + served + " for row " + i
                                + ", the bare predictor " + p.getValue() + ": they do not serve the same model");
                    }
                }
            }
            for (byte[] event : batchEvents) {
                int size = call(handler, event, out).path("predictions").size();
                if (size != batchRows.get(0).size()) {
                    throw new IllegalStateException("a batch request answered " + size + " predictions");
                }
            }
        }

        private static JsonNode call(InferenceHandler handler, byte[] event, ByteArrayOutputStream out)
                throws IOException {
            handle(handler, event, out);
            JsonNode response = Json.tree(out.toString(StandardCharsets.UTF_8));
            if (response.path("statusCode").asInt() != 200) {
                throw new IllegalStateException("the handler answered " + response.path("statusCode").asInt()
                        + ": " + response.path("body").asText());
            }
            return Json.tree(response.path("body").asText());
        }
    }

    /** The recorded API Gateway REST proxy event (functions/inference's test fixture, bundled by the CLI's build). */
    static ObjectNode template() {
        try (InputStream in = InferenceBench.class.getResourceAsStream(EVENT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the event template " + EVENT_RESOURCE + " is missing: rebuild "
                        + "the CLI");
            }
            return (ObjectNode) Json.tree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An API Gateway REST proxy event (the recorded one, functions/inference's test fixture) for
     * {@code POST path} with {@code {"instances": rows}} as its body.
     */
    static byte[] event(ObjectNode template, String path, String requestId, List<Map<String, Object>> rows) {
        ObjectNode event = template.deepCopy();
        event.put("path", path);
        event.put("httpMethod", "POST");
        ((ObjectNode) event.get("pathParameters")).put("proxy", path.substring(1));
        ObjectNode context = (ObjectNode) event.get("requestContext");
        context.put("httpMethod", "POST");
        context.put("path", "/prod" + path);
        context.put("requestId", requestId);
        ObjectNode body = Json.object();
        ArrayNode instances = body.putArray("instances");
        rows.forEach(row -> instances.add(Json.toTree(row)));
        event.put("body", Json.write(body));
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }
}
