package dev.flywheel.functions.evaluate;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.training.evaluate.EvaluateService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.xgboost.TrainService;
import dev.flywheel.store.Stores;
import dev.flywheel.testing.Fixtures;
import dev.flywheel.testing.SyntheticCsv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static dev.flywheel.testing.LambdaEvents.event;
import static dev.flywheel.testing.LambdaEvents.invoke;
import static dev.flywheel.testing.LambdaEvents.invokeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The evaluate Lambda, invoked with the bytes the {@code Evaluate} state sends: {@code model}, the preprocess
 * output as {@code features}, the Map state's train outputs as {@code candidates}, and {@code gate}.
 */
class EvaluateHandlerTest {
    private static final String MODEL = "churn-model";

    // Evaluate only reads: one upstream state (ingest, preprocess, two trained candidates) serves every test.
    @TempDir
    static Path home;
    @TempDir
    static Path uploads;
    private static Stores stores;
    private static EvaluateHandler handler;
    private static final Map<String, String> values = new HashMap<>();

    @BeforeAll
    static void trainTwoCandidates() {
        FlywheelConfig config = FlywheelConfig.from(Map.of("FLYWHEEL_HOME", home.toString()));
        stores = LocalStores.open(config.home(), Clock.systemUTC());
        handler = new EvaluateHandler(EvaluateService.over(stores, Clock.systemUTC()));
        String source = SyntheticCsv.write(uploads, "churn.csv", MlTask.BINARY, 300, 7).toUri().toString();
        int version = new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC())
                .ingest(IngestRequest.of("churn", source, "target")).dataset().version();
        FeatureSet features = new PreprocessService(stores.artifacts(), stores.registries().datasets())
                .preprocess(new PreprocessRequest(MODEL, new PreprocessRequest.DatasetRef("churn", version), null,
                        PreprocessRequest.SplitConfig.DEFAULT)).features();
        values.putAll(Fixtures.checkpointValues(features.datasetSha256(), features.configSha256(), features.files()));
        TrainService train = new TrainService(stores.artifacts(), stores.registries().runs(), Clock.systemUTC(), "test");
        for (int i = 0; i < 2; i++) {
            TrainResult trained = train.train(new TrainRequest(MODEL, features,
                    Map.of("max_depth", 2 + i, "eta", 0.3, "num_round", 20, "subsample", 0.9), 42L, null, i));
            values.put("RUN_ID_" + i, trained.runId());
            values.put("PACKAGE_URI_" + i, trained.packageUri());
            values.put("PACKAGE_SHA_" + i, trained.packageSha256());
        }
    }

    @AfterAll
    static void close() {
        stores.close();
    }

    @Test
    void evaluate_selectsBestValidationCandidateAndPassesDefaultGateWithoutChampion() {
        JsonNode result = invoke(handler, event("evaluate.json", values));

        assertThat(result.path("model").asText()).isEqualTo(MODEL);
        assertThat(result.path("selected").path("runId").asText()).isEqualTo(values.get("RUN_ID_1"));
        assertThat(result.path("selected").path("packageSha256").asText()).isEqualTo(values.get("PACKAGE_SHA_1"));
        assertThat(result.path("metrics").fieldNames()).toIterable()
                .contains("auc", "logloss", "accuracy", "precision", "recall", "f1");
        assertThat(result.path("metrics").path("auc").asDouble()).isBetween(0.6, 1.0);
        assertThat(result.path("champion").isNull()).isTrue();
        JsonNode gate = result.path("gate");
        assertThat(gate.path("passed").asBoolean()).isTrue();
        assertThat(gate.path("metric").asText()).isEqualTo("auc");
        assertThat(gate.path("reasons")).extracting(JsonNode::asText)
                .anySatisfy(r -> assertThat(r).startsWith("auc").contains("meets threshold >= 0.6000"))
                .contains("no champion yet: judged on the thresholds alone");
        assertThat(gate.path("verdict").asText()).isEqualTo("passed");
        JsonNode evidence = result.path("evidence");
        assertThat(evidence.path("testRows").path("count").asLong()).isEqualTo(44);
        assertThat(evidence.path("judgedChampion").path("version").isNull()).isTrue();
        assertThat(evidence.path("judgedChampion").path("revision").asLong()).isZero();
        assertThat(evidence.path("split").path("salt").asText()).isEqualTo(MODEL);
    }

    @Test
    void evaluate_rejectsEmptyCandidatesList() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-empty-candidates.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("candidates must list at least one train output");
    }

    @Test
    void evaluate_rejectsEventWithoutCandidates() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-missing-candidates.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("candidates must list at least one train output");
    }

    @Test
    void evaluate_rejectsEventWithoutModel() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-missing-model.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model and features are required");
    }

    @Test
    void evaluate_rejectsEventThatIsNotJson() {
        assertThatThrownBy(() -> invokeRaw(handler, "{\"model\": churn-model}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid EvaluateRequest");
    }

    @Test
    void evaluate_rejectsCandidatesThatAreNotAList() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-candidates-not-a-list.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid EvaluateRequest");
    }

    @Test
    void evaluate_rejectsGateMetricTheTaskDoesNotReport() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-unknown-gate-metric.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("gate metric 'f2'")
                .hasMessageContaining("auc");
    }

    @Test
    void evaluate_rejectsNullCandidate() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-null-candidate.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("candidates");
    }

    @Test
    void evaluate_rejectsFeaturesWithoutTask() {
        assertThatThrownBy(() -> invoke(handler, event("evaluate-features-without-task.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("task");
    }
}
