package dev.flywheel.functions.preprocess;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.training.preprocess.PreprocessService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.registry.DatasetNotFoundException;
import dev.flywheel.store.Stores;
import dev.flywheel.testing.SyntheticCsv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static dev.flywheel.testing.LambdaEvents.event;
import static dev.flywheel.testing.LambdaEvents.invoke;
import static dev.flywheel.testing.LambdaEvents.invokeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The preprocess Lambda, invoked with the bytes Step Functions sends: {@code States.JsonMerge($.preprocess,
 * $.ingested)}, so the whole ingested dataset version arrives under {@code dataset}.
 */
class PreprocessHandlerTest {
    private static final int ROWS = 300;

    @TempDir
    Path home;
    @TempDir
    Path uploads;
    private Stores stores;
    private PreprocessHandler handler;
    private Map<String, String> ingested;

    @BeforeEach
    void ingestDataset() {
        FlywheelConfig config = FlywheelConfig.from(Map.of("FLYWHEEL_HOME", home.toString()));
        stores = LocalStores.open(config.home(), Clock.systemUTC());
        handler = new PreprocessHandler(PreprocessService.over(stores, Clock.systemUTC()));
        String source = SyntheticCsv.write(uploads, "churn.csv", MlTask.BINARY, ROWS, 7).toUri().toString();
        DatasetVersion dataset = new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC())
                .ingest(IngestRequest.of("churn", source, "target")).dataset();
        ingested = Map.of("DATASET_SHA", dataset.sha256(), "DATASET_URI", dataset.artifactUri(), "SOURCE", source);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void preprocess_writesBinaryCheckpointForIngestedDatasetFromStepFunctionsPayload() {
        JsonNode features = invoke(handler, event("preprocess.json", ingested)).path("features");

        assertThat(features.path("datasetName").asText()).isEqualTo("churn");
        assertThat(features.path("datasetVersion").asInt()).isEqualTo(1);
        assertThat(features.path("datasetSha256").asText()).isEqualTo(ingested.get("DATASET_SHA"));
        assertThat(features.path("task").asText()).isEqualTo("binary");
        assertThat(features.path("target").asText()).isEqualTo("target");
        assertThat(features.path("classes")).extracting(JsonNode::asText).containsExactly("no", "yes");
        JsonNode rows = features.path("rows");
        assertThat(rows.path("train").asLong() + rows.path("validation").asLong() + rows.path("test").asLong())
                .isEqualTo(ROWS);
        assertThat(rows.path("validation").asLong()).isPositive();
        assertThat(rows.path("test").asLong()).isPositive();
        String prefix = features.path("prefix").asText();
        assertThat(prefix).isEqualTo("features/" + ingested.get("DATASET_SHA") + "/"
                + features.path("configSha256").asText() + "/");
        assertThat(features.path("checkpointHit").asBoolean()).isFalse();
        assertThat(stores.artifacts().exists(prefix + "manifest.json")).isTrue();
        assertThat(stores.artifacts().exists(prefix + "train.bin")).isTrue();
        assertThat(stores.artifacts().exists(prefix + "test.csv")).isTrue();
    }

    @Test
    void preprocess_reusesCheckpointWhenTheSameEventComesAgain() {
        JsonNode first = invoke(handler, event("preprocess.json", ingested)).path("features");

        JsonNode again = invoke(handler, event("preprocess.json", ingested)).path("features");

        assertThat(again.path("checkpointHit").asBoolean()).isTrue();
        assertThat(again.path("prefix").asText()).isEqualTo(first.path("prefix").asText());
        assertThat(again.path("rows")).isEqualTo(first.path("rows"));
    }

    @Test
    void preprocess_rejectsUnknownDatasetVersion() {
        String event = event("preprocess-unknown-version.json", ingested);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("'churn'")
                .hasMessageContaining("version 7");
        assertThat(stores.artifacts().list("features/")).isEmpty();
    }

    @Test
    void preprocess_rejectsDatasetThatWasNeverIngested() {
        String event = "{\"dataset\":{\"name\":\"never-ingested\"}}";

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("ingest it first");
    }

    @Test
    void preprocess_rejectsEventThatIsNotJson() {
        assertThatThrownBy(() -> invokeRaw(handler, "<dataset>churn</dataset>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid PreprocessRequest");
    }

    @Test
    void preprocess_rejectsDatasetVersionOfWrongType() {
        String event = event("preprocess-wrong-types.json", ingested);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid PreprocessRequest")
                .hasMessageContaining("\"first\"");
    }

    @Test
    void preprocess_rejectsEventWithoutDatasetShowingTheExpectedShape() {
        assertThatThrownBy(() -> invoke(handler, event("preprocess-missing-dataset.json", ingested)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dataset is required")
                .hasMessageContaining("\"name\"");
        assertThatThrownBy(() -> invoke(handler, event("preprocess-missing-dataset-name.json", ingested)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dataset is required");
    }

    @Test
    void preprocess_rejectsSplitThatLeavesTooFewTrainingRows() {
        String event = event("preprocess-split-leaves-no-training-rows.json", ingested);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("split.validation and split.test")
                .hasMessageContaining("10%");
    }

    @Test
    void preprocess_rejectsUnknownTaskListingTheKnownOnes() {
        String event = event("preprocess-unknown-task.json", ingested);

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'binary', 'multiclass' or 'regression'")
                .hasMessageContaining("ranking");
    }
}
