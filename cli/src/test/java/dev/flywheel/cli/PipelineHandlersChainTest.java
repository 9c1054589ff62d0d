package dev.flywheel.cli;

import dev.flywheel.functions.register.PromoteHandler;
import dev.flywheel.functions.register.RegisterHandler;
import dev.flywheel.functions.register.RollbackHandler;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.training.evaluate.EvaluateService;
import dev.flywheel.xgboost.TrainService;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.lambda.LocalLambdaContext;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.Run;
import dev.flywheel.domain.RunStatus;
import dev.flywheel.functions.evaluate.EvaluateHandler;
import dev.flywheel.functions.ingest.IngestHandler;
import dev.flywheel.functions.preprocess.PreprocessHandler;
import dev.flywheel.functions.train.TrainHandler;
import dev.flywheel.json.Json;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The five handlers in sequence, bytes in and bytes out as Lambda runs them, on the bundled credit-g data.
 */
class PipelineHandlersChainTest {
    private static final Path CREDIT_G = Path.of("../examples/credit-g/credit-g.csv").toAbsolutePath().normalize();

    @TempDir
    Path home;
    private Stores stores;
    private FlywheelConfig config;

    @BeforeEach
    void open() {
        config = FlywheelConfig.from(Map.of("FLYWHEEL_HOME", home.toString(), "FLYWHEEL_CODE_VERSION", "test-commit"));
        stores = LocalStores.open(config.home(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void handlers_trainRegisterAndPromoteCreditRiskModelOnCreditG() {
        RequestStreamHandler ingest = new IngestHandler(IngestService.over(stores, Clock.systemUTC()));
        RequestStreamHandler preprocess = new PreprocessHandler(PreprocessService.over(stores, Clock.systemUTC()));
        RequestStreamHandler train = new TrainHandler(TrainService.over(stores, Clock.systemUTC(), config.codeVersion()));
        RequestStreamHandler evaluate = new EvaluateHandler(EvaluateService.over(stores, Clock.systemUTC()));
        RequestStreamHandler register = new RegisterHandler(RegisterService.over(stores, Clock.systemUTC()));
        RequestStreamHandler promote = new PromoteHandler(RegisterService.over(stores, Clock.systemUTC()));

        JsonNode ingested = invoke(ingest, "{\"dataset\":\"credit-g\",\"source\":\"" + CREDIT_G.toUri()
                + "\",\"target\":\"class\"}");
        assertThat(ingested.path("created").asBoolean()).isTrue();
        assertThat(ingested.path("dataset").path("rowCount").asLong()).isEqualTo(1000);
        int datasetVersion = ingested.path("dataset").path("version").asInt();

        JsonNode preprocessed = invoke(preprocess, "{\"model\":\"credit-risk\",\"dataset\":{\"name\":\"credit-g\","
                + "\"version\":" + datasetVersion + "},\"split\":{\"validation\":0.15,\"test\":0.15}}");
        JsonNode features = preprocessed.path("features");
        assertThat(features.path("task").asText()).isEqualTo("binary");
        assertThat(features.path("classes")).hasSize(2);
        assertThat(features.path("prefix").asText()).startsWith("features/" + features.path("datasetSha256").asText());
        assertThat(features.path("checkpointHit").asBoolean()).isFalse();

        List<Map<String, Object>> grid = List.of(
                Map.of("max_depth", 3, "eta", 0.05, "num_round", 400, "subsample", 0.8, "colsample_bytree", 0.8),
                Map.of("max_depth", 4, "eta", 0.03, "num_round", 400, "subsample", 0.8, "colsample_bytree", 0.6,
                        "min_child_weight", 3),
                Map.of("max_depth", 2, "eta", 0.1, "num_round", 300, "subsample", 0.9));
        ArrayNode candidates = Json.mapper().createArrayNode();
        for (int i = 0; i < grid.size(); i++) {
            ObjectNode request = Json.object();
            request.put("model", "credit-risk");
            request.set("features", features);
            request.set("params", Json.toTree(grid.get(i)));
            request.put("seed", 42);
            request.put("earlyStoppingRounds", 40);
            request.put("candidate", i);
            JsonNode trained = invoke(train, request.toString());
            assertThat(trained.path("metricName").asText()).isEqualTo("auc");
            assertThat(trained.path("higherIsBetter").asBoolean()).isTrue();
            assertThat(trained.path("packageSha256").asText()).hasSize(64);
            candidates.add(trained);
        }

        ObjectNode evaluateRequest = Json.object();
        evaluateRequest.put("model", "credit-risk");
        evaluateRequest.set("features", features);
        evaluateRequest.set("candidates", candidates);
        JsonNode evaluation = invoke(evaluate, evaluateRequest.toString());
        double auc = evaluation.path("metrics").path("auc").asDouble();
        System.out.printf("credit-g test metrics: %s%n", evaluation.path("metrics"));
        assertThat(auc).isGreaterThanOrEqualTo(0.75);
        assertThat(evaluation.path("metrics").fieldNames()).toIterable()
                .contains("auc", "logloss", "accuracy", "precision", "recall", "f1");
        assertThat(evaluation.path("champion").isNull()).isTrue();
        assertThat(evaluation.path("gate").path("passed").asBoolean()).isTrue();
        assertThat(evaluation.path("gate").path("reasons")).isNotEmpty();

        ObjectNode registerRequest = Json.object();
        registerRequest.put("model", "credit-risk");
        registerRequest.set("evaluation", evaluation);
        JsonNode registered = invoke(register, registerRequest.toString());
        assertThat(registered.path("version").asInt()).isEqualTo(1);
        assertThat(registered.path("alias").asText()).isEqualTo("challenger");

        ModelVersion version = stores.registries().models().get("credit-risk", 1);
        String selectedRun = evaluation.path("selected").path("runId").asText();
        assertThat(version.runId()).isEqualTo(selectedRun);
        assertThat(version.lineage().datasetName()).isEqualTo("credit-g");
        assertThat(version.lineage().datasetVersion()).isEqualTo(datasetVersion);
        assertThat(version.lineage().datasetSha256()).isEqualTo(ingested.path("dataset").path("sha256").asText());
        assertThat(version.lineage().featurePipelineSha256()).isEqualTo(features.path("configSha256").asText());
        assertThat(version.codeVersion()).isEqualTo("test-commit");
        assertThat(version.params()).containsKeys("max_depth", "eta", "seed", "nthread", "objective");
        assertThat(version.artifactUri()).contains("models/credit-risk/" + selectedRun + "/model.zip");
        assertThat(version.artifactSha256()).isEqualTo(evaluation.path("selected").path("packageSha256").asText());
        assertThat(version.metrics()).containsKey("auc");
        Run run = stores.registries().runs().get(selectedRun);
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.metricHistory()).containsKeys("validation_auc", "validation_logloss");
        assertThat(run.artifacts()).containsEntry("package", version.artifactUri());
        assertThat(stores.registries().runs().list("credit-risk", 0)).hasSize(3);

        JsonNode promoted = invoke(promote, "{\"model\":\"credit-risk\",\"version\":1,"
                + "\"reason\":\"first model\"}");
        assertThat(promoted.path("alias").asText()).isEqualTo("champion");
        assertThat(promoted.path("previousVersion").isNull()).isTrue();
        assertThat(promoted.path("revision").asLong()).isEqualTo(1);

        // A second cycle: the same data is not re-ingested, the checkpoint is reused, the champion is compared.
        JsonNode again = invoke(ingest, "{\"dataset\":\"credit-g\",\"source\":\"" + CREDIT_G.toUri()
                + "\",\"target\":\"class\"}");
        assertThat(again.path("created").asBoolean()).isFalse();
        assertThat(again.path("dataset").path("version").asInt()).isEqualTo(datasetVersion);
        JsonNode hit = invoke(preprocess, "{\"model\":\"credit-risk\",\"dataset\":{\"name\":\"credit-g\","
                + "\"version\":" + datasetVersion + "},\"split\":{\"validation\":0.15,\"test\":0.15}}")
                .path("features");
        assertThat(hit.path("checkpointHit").asBoolean()).isTrue();
        assertThat(hit.path("durationMillis").asLong())
                .isLessThanOrEqualTo(Math.max(1, features.path("durationMillis").asLong()));
        ObjectNode second = evaluateRequest.deepCopy();
        second.set("candidates", Json.mapper().createArrayNode().add(candidates.get(2)));
        second.set("gate", Json.tree("{\"metric\":\"auc\",\"minImprovement\":0.5}"));
        JsonNode secondEvaluation = invoke(evaluate, second.toString());
        assertThat(secondEvaluation.path("champion").path("version").asInt()).isEqualTo(1);
        // The same split: every test row is one the champion never trained on, so it scores as it did.
        assertThat(secondEvaluation.path("champion").path("metrics").path("auc").asDouble()).isEqualTo(auc);
        assertThat(secondEvaluation.path("evidence").path("comparedRows").path("count").asLong())
                .isEqualTo(features.path("rows").path("test").asLong());
        assertThat(secondEvaluation.path("gate").path("passed").asBoolean()).isFalse();

        ObjectNode secondRegister = registerRequest.deepCopy();
        secondRegister.set("evaluation", secondEvaluation);
        assertThatThrownBy(() -> invoke(register, secondRegister.toString()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("gate");
    }

    @Test
    void register_promotesByCompareAndSetAndRollsBack() {
        RegisterService service = RegisterService.over(stores, Clock.systemUTC());
        PromoteHandler promote = new PromoteHandler(service);
        RollbackHandler rollback = new RollbackHandler(service);
        var models = stores.registries().models();
        var lineage = new dev.flywheel.domain.Lineage("d", 1, "a".repeat(64), "b".repeat(64));
        for (int i = 0; i < 2; i++) {
            models.register(new ModelVersion("m", 0, "file:///x", "c".repeat(64), Map.of(), lineage, "run-" + i,
                    Map.of(), "v", java.time.Instant.now(), null));
        }
        invoke(promote, "{\"model\":\"m\",\"version\":1}");
        JsonNode second = invoke(promote, "{\"model\":\"m\",\"version\":2,\"reason\":\"better\"}");
        assertThat(second.path("previousVersion").asInt()).isEqualTo(1);
        assertThat(second.path("revision").asLong()).isEqualTo(2);
        JsonNode rolledBack = invoke(rollback, "{\"model\":\"m\"}");
        assertThat(rolledBack.path("version").asInt()).isEqualTo(1);
        assertThat(rolledBack.path("previousVersion").asInt()).isEqualTo(2);
        assertThat(models.alias("m", ModelAlias.CHAMPION).orElseThrow().version()).isEqualTo(1);
        assertThat(models.aliasHistory("m", ModelAlias.CHAMPION)).hasSize(3);
    }

    static JsonNode invoke(RequestStreamHandler handler, String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out,
                    new LocalLambdaContext(handler.getClass().getSimpleName()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Json.tree(out.toString(StandardCharsets.UTF_8));
    }
}
