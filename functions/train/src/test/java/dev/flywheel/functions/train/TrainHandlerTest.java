package dev.flywheel.functions.train;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.xgboost.TrainService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.Run;
import dev.flywheel.domain.RunStatus;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.TrainingException;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.store.Stores;
import dev.flywheel.testing.Fixtures;
import dev.flywheel.testing.SyntheticCsv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static dev.flywheel.testing.LambdaEvents.event;
import static dev.flywheel.testing.LambdaEvents.invoke;
import static dev.flywheel.testing.LambdaEvents.invokeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The train Lambda, invoked with the bytes one iteration of the {@code TrainCandidates} Map state sends
 * ({@code model}, the preprocess output as {@code features}, the candidate's {@code params}, {@code seed},
 * {@code candidate}).
 */
class TrainHandlerTest {
    private static final String MODEL = "churn-model";

    @TempDir
    Path home;
    @TempDir
    Path uploads;
    private Stores stores;
    private TrainHandler handler;
    private FeatureSet features;
    private Map<String, String> values;

    @BeforeEach
    void preprocessDataset() {
        FlywheelConfig config = FlywheelConfig.from(Map.of("FLYWHEEL_HOME", home.toString(),
                "FLYWHEEL_CODE_VERSION", "test-commit"));
        stores = LocalStores.open(config.home(), Clock.systemUTC());
        handler = new TrainHandler(TrainService.over(stores, Clock.systemUTC(), config.codeVersion()));
        String source = SyntheticCsv.write(uploads, "churn.csv", MlTask.BINARY, 300, 7).toUri().toString();
        int version = new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC())
                .ingest(IngestRequest.of("churn", source, "target")).dataset().version();
        features = new PreprocessService(stores.artifacts(), stores.registries().datasets())
                .preprocess(new PreprocessRequest(MODEL, new PreprocessRequest.DatasetRef("churn", version), null,
                        PreprocessRequest.SplitConfig.DEFAULT)).features();
        values = Fixtures.checkpointValues(features.datasetSha256(), features.configSha256(), features.files());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void train_fixtureCarriesTheFeatureSetPreprocessReturns() {
        JsonNode fixture = dev.flywheel.json.Json.tree(event("train.json", values)).path("features");

        assertThat(fixture.path("prefix").asText()).isEqualTo(features.prefix());
        assertThat(fixture.path("rows").path("train").asLong()).isEqualTo(features.rows().train());
        assertThat(fixture.path("rows").path("validation").asLong()).isEqualTo(features.rows().validation());
        assertThat(fixture.path("rows").path("test").asLong()).isEqualTo(features.rows().test());
        assertThat(dev.flywheel.json.Json.read(fixture.path("split").toString(), dev.flywheel.domain.SplitSpec.class))
                .isEqualTo(features.split());
        assertThat(fixture.path("files").size()).isEqualTo(features.files().size());
    }

    @Test
    void train_packagesCandidateAndRecordsFinishedRunFromMapIterationPayload() {
        JsonNode result = invoke(handler, event("train.json", values));

        assertThat(result.path("model").asText()).isEqualTo(MODEL);
        assertThat(result.path("metricName").asText()).isEqualTo("auc");
        assertThat(result.path("higherIsBetter").asBoolean()).isTrue();
        assertThat(result.path("validationMetric").asDouble()).isBetween(0.5, 1.0);
        assertThat(result.path("packageSha256").asText()).hasSize(64);
        assertThat(result.path("packageUri").asText()).contains("models/" + MODEL + "/" + result.path("runId").asText());
        assertThat(result.path("bestIteration").asInt()).isBetween(0, 19);
        assertThat(result.path("params").path("max_depth").asText()).isEqualTo("3");
        assertThat(result.path("params").path("num_round").asText()).isEqualTo("20");
        assertThat(result.path("params").path("seed").asText()).isEqualTo("42");
        Run run = stores.registries().runs().get(result.path("runId").asText());
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.experiment()).isEqualTo(MODEL);
        assertThat(run.codeVersion()).isEqualTo("test-commit");
        assertThat(run.lineage()).isEqualTo(features.lineage());
        assertThat(run.artifacts()).containsEntry("package", result.path("packageUri").asText());
    }

    @Test
    void train_failsWithTrainingExceptionOnInvalidHyperParameterAndRecordsFailedRun() {
        String event = event("train-invalid-max-depth.json", values);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("max_depth")
                .hasMessageContaining("deep");
        List<Run> runs = stores.registries().runs().list(MODEL, 0);
        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error()).contains("TrainingException").contains("max_depth");
            assertThat(run.endedAt()).isNotNull();
            assertThat(run.params()).containsEntry("max_depth", "deep");
        });
        assertThat(stores.artifacts().list("models/")).isEmpty();
    }

    @Test
    void train_rejectsUnparseableRoundCountBeforeStartingRun() {
        String event = event("train-unparseable-rounds.json", values);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("num_round must be a positive integer")
                .hasMessageContaining("many");
        assertThat(stores.registries().runs().list(MODEL, 0)).isEmpty();
    }

    @Test
    void train_rejectsZeroRoundsAsInvalidInput() {
        String event = event("train-zero-rounds.json", values);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("num_round must be a positive integer");
    }

    @Test
    void train_rejectsEventThatIsNotJson() {
        assertThatThrownBy(() -> invokeRaw(handler, "model: churn-model".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid TrainRequest");
    }

    @Test
    void train_rejectsParamsThatAreNotAnObject() {
        String event = event("train-params-not-an-object.json", values);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid TrainRequest")
                .hasMessageContaining("Map");
        assertThat(stores.registries().runs().list(MODEL, 0)).isEmpty();
    }

    @Test
    void train_rejectsEventWithoutFeaturesPointingAtPreprocess() {
        assertThatThrownBy(() -> invoke(handler, event("train-missing-features.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("features is required")
                .hasMessageContaining("preprocess");
    }

    @Test
    void train_rejectsEventWithoutModelName() {
        assertThatThrownBy(() -> invoke(handler, event("train-missing-model.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model");
        assertThat(stores.registries().runs().experiments()).isEmpty();
    }

    @Test
    void train_rejectsFeaturesWithoutTask() {
        assertThatThrownBy(() -> invoke(handler, event("train-features-without-task.json", values)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("task");
    }
}
