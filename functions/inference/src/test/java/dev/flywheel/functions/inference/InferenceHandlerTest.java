package dev.flywheel.functions.inference;

import static dev.flywheel.functions.inference.ApiCalls.call;
import static dev.flywheel.functions.inference.ApiCalls.get;
import static dev.flywheel.functions.inference.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.MlTask;
import dev.flywheel.json.Json;
import dev.flywheel.serving.DjlModelPredictor;
import dev.flywheel.serving.ModelPackage;
import dev.flywheel.serving.Prediction;
import dev.flywheel.serving.online.InferenceService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The inference function through API Gateway proxy events: valid requests on both protocols, and the metrics. */
class InferenceHandlerTest {
    @TempDir
    static Path home;
    @TempDir
    static Path uploads;
    static final Map<MlTask, ServedModelFixture> fixtures = new LinkedHashMap<>();
    static final Map<MlTask, InferenceHandler> handlers = new LinkedHashMap<>();
    static final ByteArrayOutputStream metrics = new ByteArrayOutputStream();

    @BeforeAll
    static void trainModels() {
        for (MlTask task : MlTask.values()) {
            String name = "m-" + task.name().toLowerCase();
            ServedModelFixture fixture = ServedModelFixture.train(home.resolve(name), uploads, name, task, 2);
            fixtures.put(task, fixture);
            InferenceService service = new InferenceService(fixture.stores, Clock.systemUTC(),
                    ServingConfig.defaults().withCapture(0, 100, 60));
            handlers.put(task, new InferenceHandler(service, new PrintStream(metrics, true, StandardCharsets.UTF_8)));
        }
    }

    @AfterAll
    static void close() {
        handlers.values().forEach(h -> h.api().service().close());
        fixtures.values().forEach(ServedModelFixture::close);
    }

    @ParameterizedTest
    @EnumSource(MlTask.class)
    void bothProtocols_answerWhatEvaluationComputesForTheSameRows(MlTask task) {
        ServedModelFixture fixture = fixtures.get(task);
        InferenceHandler handler = handlers.get(task);
        List<Prediction> expected;
        try (DjlModelPredictor predictor = ModelPackage.load(fixture.stores.artifacts(),
                fixture.versions.get(0).artifactUri(), fixture.versions.get(0).artifactSha256())) {
            expected = predictor.predictBatch(fixture.evaluationRows());
        }
        List<Map<String, Object>> rows = fixture.jsonRows();
        assertThat(rows).hasSizeGreaterThan(20);

        ApiCalls.Response own = post(handler, "/models/" + fixture.model + "/predict", fixture.instancesJson(rows));
        assertThat(own.status()).as(own.rawBody()).isEqualTo(200);
        assertThat(own.body().path("model").asText()).isEqualTo(fixture.model);
        assertThat(own.body().path("version").asInt()).isEqualTo(1);
        assertThat(own.body().path("alias").asText()).isEqualTo("champion");
        assertThat(own.body().path("requestId").asText()).isNotBlank();
        assertThat(own.headers().path("X-Flywheel-Model-Version").asText()).isEqualTo("1");
        JsonNode predictions = own.body().path("predictions");
        assertThat(predictions).hasSize(expected.size());

        ApiCalls.Response v2 = post(handler, "/v2/models/" + fixture.model + "/infer", columnar(fixture, rows));
        assertThat(v2.status()).as(v2.rawBody()).isEqualTo(200);
        assertThat(v2.body().path("model_version").asText()).isEqualTo("1");
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        v2.body().path("outputs").forEach(o -> outputs.put(o.path("name").asText(), o));

        for (int i = 0; i < expected.size(); i++) {
            Prediction e = expected.get(i);
            JsonNode p = predictions.get(i);
            if (task == MlTask.REGRESSION) {
                assertThat(p.path("value").asDouble()).isCloseTo(e.value(), within(1e-9));
                assertThat(outputs.get("value").path("data").get(i).asDouble()).isCloseTo(e.value(), within(1e-9));
            } else {
                assertThat(p.path("label").asText()).isEqualTo(e.label());
                assertThat(outputs.get("label").path("data").get(i).asText()).isEqualTo(e.label());
                List<String> classes = new ArrayList<>(e.probabilities().keySet());
                for (int c = 0; c < classes.size(); c++) {
                    double probability = e.probabilities().get(classes.get(c));
                    assertThat(p.path("probabilities").path(classes.get(c)).asDouble())
                            .isCloseTo(probability, within(1e-9));
                    assertThat(outputs.get("probabilities").path("data").get(i * classes.size() + c).asDouble())
                            .isCloseTo(probability, within(1e-9));
                }
            }
        }
    }

    /** The rows as Open Inference Protocol inputs: one tensor per column. */
    static String columnar(ServedModelFixture fixture, List<Map<String, Object>> rows) {
        var inputs = Json.mapper().createArrayNode();
        for (String name : rows.get(0).keySet()) {
            boolean numeric = rows.stream().map(r -> r.get(name)).allMatch(v -> v == null || v instanceof Number);
            var input = inputs.addObject().put("name", name).put("datatype", numeric ? "FP64" : "BYTES");
            input.putArray("shape").add(rows.size());
            var data = input.putArray("data");
            rows.forEach(r -> data.add(Json.toTree(r.get(name))));
        }
        var body = Json.object().put("id", "batch-1");
        body.set("inputs", inputs);
        return Json.write(body);
    }

    @Test
    void aPinnedVersion_andAnAlias_selectTheVersionThatAnswers() {
        ServedModelFixture fixture = fixtures.get(MlTask.BINARY);
        InferenceHandler handler = handlers.get(MlTask.BINARY);
        String body = fixture.instancesJson(fixture.jsonRows().subList(0, 3));
        ApiCalls.Response v2 = call(handler, "POST", "/models/" + fixture.model + "/predict", Map.of("version", "2"),
                body);
        assertThat(v2.status()).isEqualTo(200);
        assertThat(v2.body().path("version").asInt()).isEqualTo(2);
        assertThat(v2.body().has("alias")).isFalse();

        ApiCalls.Response pinnedPath = post(handler, "/v2/models/" + fixture.model + "/versions/2/infer",
                columnar(fixture, fixture.jsonRows().subList(0, 3)));
        assertThat(pinnedPath.body().path("model_version").asText()).isEqualTo("2");

        ApiCalls.Response noChallenger = call(handler, "POST", "/models/" + fixture.model + "/predict",
                Map.of("alias", "challenger"), body);
        assertThat(noChallenger.status()).isEqualTo(404);
        assertThat(noChallenger.error()).contains("no alias 'challenger'");
    }

    @Test
    void describe_givesTheServedVersionWithMetricsLineageAndInputs() {
        ServedModelFixture fixture = fixtures.get(MlTask.BINARY);
        ApiCalls.Response r = get(handlers.get(MlTask.BINARY), "/models/" + fixture.model);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(200);
        JsonNode b = r.body();
        assertThat(b.path("version").asInt()).isEqualTo(1);
        assertThat(b.path("task").asText()).isEqualTo("binary");
        assertThat(b.path("lineage").path("datasetSha256").asText()).isEqualTo(fixture.features.datasetSha256());
        assertThat(b.path("metrics").size()).isPositive();
        assertThat(b.path("runId").asText()).isEqualTo(fixture.versions.get(0).runId());
        List<String> inputs = new ArrayList<>();
        b.path("inputs").forEach(i -> inputs.add(i.path("name").asText()));
        assertThat(inputs).contains("x0", "c0").doesNotContain("target");
        b.path("inputs").forEach(i -> {
            if (i.path("name").asText().equals("c0")) {
                assertThat(i.path("categories").size()).isPositive();
            }
        });
    }

    @Test
    void openInferenceProtocol_metadataReadinessAndHealth() {
        ServedModelFixture fixture = fixtures.get(MlTask.MULTICLASS);
        InferenceHandler handler = handlers.get(MlTask.MULTICLASS);
        ApiCalls.Response meta = get(handler, "/v2/models/" + fixture.model);
        assertThat(meta.status()).isEqualTo(200);
        assertThat(meta.body().path("name").asText()).isEqualTo(fixture.model);
        assertThat(meta.body().path("versions").get(0).asText()).isEqualTo("1");
        assertThat(meta.body().path("inputs").size()).isEqualTo(fixture.jsonRows().get(0).size());
        assertThat(meta.body().path("outputs").get(1).path("shape").get(1).asInt())
                .isEqualTo(fixture.features.classes().size());
        assertThat(get(handler, "/v2/models/" + fixture.model + "/ready").status()).isEqualTo(200);
        assertThat(get(handler, "/v2/models/" + fixture.model + "/versions/2/ready").body().path("version").asText())
                .isEqualTo("2");
        assertThat(get(handler, "/v2/models/nope/ready").status()).isEqualTo(404);
        assertThat(get(handler, "/v2/health/live").status()).isEqualTo(200);
        assertThat(get(handler, "/v2/health/ready").status()).isEqualTo(200);
        ApiCalls.Response openApi = get(handler, "/openapi.json");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.body().path("openapi").asText()).startsWith("3.");
    }

    @Test
    void everyRequestWritesOneEmbeddedMetricFormatLine() {
        ServedModelFixture fixture = fixtures.get(MlTask.BINARY);
        InferenceHandler handler = handlers.get(MlTask.BINARY);
        metrics.reset();
        post(handler, "/models/" + fixture.model + "/predict", fixture.instancesJson(fixture.jsonRows().subList(0, 5)));
        post(handler, "/models/" + fixture.model + "/predict", "{not json");
        String[] lines = metrics.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        JsonNode ok = Json.tree(lines[0]);
        assertThat(ok.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText())
                .isEqualTo("Flywheel/Inference");
        assertThat(ok.path("_aws").path("Timestamp").asLong()).isPositive();
        assertThat(ok.path("Model").asText()).isEqualTo(fixture.model);
        assertThat(ok.path("Predictions").asInt()).isEqualTo(5);
        assertThat(ok.path("ModelVersion").asInt()).isEqualTo(1);
        assertThat(ok.path("Latency").asDouble()).isPositive();
        assertThat(ok.path("requestId").asText()).isNotBlank();
        JsonNode bad = Json.tree(lines[1]);
        assertThat(bad.path("Errors4xx").asInt()).isEqualTo(1);
        assertThat(bad.path("status").asInt()).isEqualTo(400);
    }
}
