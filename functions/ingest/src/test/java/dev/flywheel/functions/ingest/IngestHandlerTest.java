package dev.flywheel.functions.ingest;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.training.ingest.IngestService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.training.DataValidationException;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.store.Stores;
import dev.flywheel.testing.SyntheticCsv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.flywheel.testing.LambdaEvents.event;
import static dev.flywheel.testing.LambdaEvents.invoke;
import static dev.flywheel.testing.LambdaEvents.invokeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ingest Lambda, invoked with the bytes Step Functions sends ({@code Payload.$: $.ingest}). */
class IngestHandlerTest {
    private static final int ROWS = 300;

    @TempDir
    Path home;
    @TempDir
    Path uploads;
    private Stores stores;
    private IngestHandler handler;
    private Path csv;

    @BeforeEach
    void open() {
        FlywheelConfig config = FlywheelConfig.from(Map.of("FLYWHEEL_HOME", home.toString()));
        stores = LocalStores.open(config.home(), Clock.systemUTC());
        handler = new IngestHandler(IngestService.over(stores, Clock.systemUTC()));
        csv = SyntheticCsv.write(uploads, "churn.csv", MlTask.BINARY, ROWS, 7);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void ingest_registersFirstVersionWithInferredSchemaFromStepFunctionsPayload() {
        JsonNode result = invoke(handler, event("ingest.json", Map.of("SOURCE", csv.toUri().toString())));

        assertThat(result.path("created").asBoolean()).isTrue();
        assertThat(result.path("quarantinedRows").asLong()).isZero();
        assertThat(result.path("quarantineUri").isNull()).isTrue();
        JsonNode dataset = result.path("dataset");
        assertThat(dataset.path("name").asText()).isEqualTo("churn");
        assertThat(dataset.path("version").asInt()).isEqualTo(1);
        assertThat(dataset.path("rowCount").asLong()).isEqualTo(ROWS);
        assertThat(dataset.path("sha256").asText()).hasSize(64);
        assertThat(dataset.path("source").asText()).isEqualTo(csv.toUri().toString());
        List<String> columns = new ArrayList<>();
        dataset.path("schema").path("columns").forEach(c -> columns.add(c.path("name").asText()));
        assertThat(columns).containsExactly("x0", "x1", "x2", "x3", "x4", "x5", "c0", "c1", "target");
        assertThat(stores.registries().datasets().get("churn", 1).sha256()).isEqualTo(dataset.path("sha256").asText());
        assertThat(stores.artifacts().exists("datasets/churn/" + dataset.path("sha256").asText() + "/data.csv")).isTrue();
    }

    @Test
    void ingest_returnsExistingVersionWhenTheSameDataArrivesAgain() {
        String event = event("ingest.json", Map.of("SOURCE", csv.toUri().toString()));
        JsonNode first = invoke(handler, event);

        JsonNode again = invoke(handler, event);

        assertThat(again.path("created").asBoolean()).isFalse();
        assertThat(again.path("dataset").path("version").asInt()).isEqualTo(1);
        assertThat(again.path("dataset").path("sha256").asText()).isEqualTo(first.path("dataset").path("sha256").asText());
        assertThat(stores.registries().datasets().versions("churn")).hasSize(1);
    }

    @Test
    void ingest_rejectsFileWithMoreBadRowsThanAllowedAndStoresNothing() throws IOException {
        // Every tenth data row is cut short: 10% ragged rows against a 5% limit.
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 10; i < lines.size(); i += 10) {
            lines.set(i, lines.get(i).substring(0, lines.get(i).indexOf(',')));
        }
        Files.write(csv, lines, StandardCharsets.UTF_8);
        String event = event("ingest-bad-rows.json", Map.of("SOURCE", csv.toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(DataValidationException.class)
                .hasMessageContaining("30 of 300 rows")
                .hasMessageContaining("maxBadRowFraction")
                .hasMessageContaining("row 10");
        assertThat(stores.registries().datasets().latest("churn")).isEmpty();
        assertThat(stores.registries().datasets().names()).isEmpty();
        assertThat(stores.artifacts().list("")).isEmpty();
    }

    @Test
    void ingest_rejectsEventThatIsNotJson() {
        assertThatThrownBy(() -> invokeRaw(handler, "dataset=churn&target=target".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid IngestRequest");
    }

    @Test
    void ingest_rejectsTruncatedEvent() {
        String event = event("ingest-truncated.json", Map.of("SOURCE", csv.toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid IngestRequest");
    }

    @Test
    void ingest_rejectsEmptyEvent() {
        assertThatThrownBy(() -> invoke(handler, "null"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> invokeRaw(handler, new byte[0]))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("IngestRequest");
    }

    @Test
    void ingest_rejectsFieldOfWrongType() {
        String event = event("ingest-wrong-types.json", Map.of("SOURCE", csv.toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid IngestRequest")
                .hasMessageContaining("\"five percent\"");
        assertThat(stores.registries().datasets().names()).isEmpty();
    }

    @Test
    void ingest_namesTheFieldOfWrongTypeInItsMessage() {
        String event = event("ingest-wrong-types.json", Map.of("SOURCE", csv.toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxBadRowFraction");
    }

    @Test
    void ingest_rejectsEventWithoutSourceSayingWhatToSend() {
        assertThatThrownBy(() -> invoke(handler, event("ingest-missing-source.json")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("source is required")
                .hasMessageContaining("file:///");
    }

    @Test
    void ingest_rejectsFirstIngestWithoutTargetListingTheColumns() {
        String event = event("ingest-missing-target.json", Map.of("SOURCE", csv.toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("target is required")
                .hasMessageContaining("x0");
        assertThat(stores.registries().datasets().names()).isEmpty();
    }

    @Test
    void ingest_rejectsEventWithoutDatasetName() {
        String event = event("ingest-missing-dataset.json", Map.of("SOURCE", csv.toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dataset");
    }

    @Test
    void ingest_rejectsSourceThatDoesNotExist() {
        String event = event("ingest.json", Map.of("SOURCE", uploads.resolve("missing.csv").toUri().toString()));

        assertThatThrownBy(() -> invoke(handler, event))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not exist");
    }
}
