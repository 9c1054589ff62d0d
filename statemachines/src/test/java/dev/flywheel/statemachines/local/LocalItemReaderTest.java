package dev.flywheel.statemachines.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.registry.Registries;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.store.StoredArtifact;
import dev.flywheel.store.local.LocalArtifactStore;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed Map state's ItemReader in the embedded runtime: {@code ${ArtifactBucket}} is the artifact store, read
 * with s3:getObject (a JSON array) and s3:listObjectsV2; another bucket or a missing key fails as S3 would.
 */
class LocalItemReaderTest {
    @TempDir
    Path home;
    private Registries registries;
    private LocalArtifactStore artifacts;

    @BeforeEach
    void open() {
        registries = Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), Clock.systemUTC());
        artifacts = LocalArtifactStore.open(home.resolve("artifacts"));
    }

    @AfterEach
    void close() {
        registries.close();
    }

    private LocalRuntime runtime() {
        return new LocalRuntime(new LocalFunctions(), registries.executions(), artifacts, Clock.systemUTC(), d -> { });
    }

    private StoredArtifact put(String key, String content) {
        return artifacts.put(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static String distributedMap(String reader) {
        return """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemReader": %s,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "End": true}}}""".formatted(reader);
    }

    private static final String GET_OBJECT = """
            {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "MaxItems": 2},
             "Parameters": {"Bucket": "${ArtifactBucket}", "Key.$": "$.manifest"}}""";

    @Test
    void getObject_readsTheJsonArrayOfAnArtifact() {
        put("drift/manifest.json", "[{\"model\":\"a\"},{\"model\":\"b\"},{\"model\":\"c\"}]");

        ExecutionResult result = runtime().run("drift", distributedMap(GET_OBJECT),
                Json.tree("{\"manifest\":\"drift/manifest.json\"}"), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(Json.tree("[{\"model\":\"a\"},{\"model\":\"b\"}]"));
        assertThat(registries.executions().get(result.executionId()).events()).extracting(ExecutionEvent::type)
                .containsSubsequence("MapStateStarted", "MapIterationStarted", "MapIterationSucceeded",
                        "MapStateSucceeded", "ExecutionSucceeded");
    }

    @Test
    void listObjectsV2_listsTheArtifactsUnderThePrefix() throws Exception {
        StoredArtifact first = put("captures/credit/2024-05-01.jsonl", "{\"x\":1}\n");
        put("captures/credit/2024-05-02.jsonl", "{\"x\":2}\n{\"x\":3}\n");
        put("captures/other/2024-05-01.jsonl", "{}");
        String reader = """
                {"Resource": "arn:aws:states:::s3:listObjectsV2",
                 "Parameters": {"Bucket": "${ArtifactBucket}", "Prefix": "captures/credit/"}}""";

        ExecutionResult result = runtime().run("drift", distributedMap(reader), Json.object(), ExecutionListener.none());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).hasSize(2);
        JsonNode item = result.output().get(0);
        assertThat(item.get("Key").asText()).isEqualTo("captures/credit/2024-05-01.jsonl");
        assertThat(item.get("Size").asLong()).isEqualTo(first.sizeBytes()).isEqualTo(8);
        assertThat(item.get("Etag").asText()).isEqualTo("\"" + first.sha256().substring(0, 32) + "\"");
        assertThat(item.get("StorageClass").asText()).isEqualTo("STANDARD");
        assertThat(item.get("LastModified").asLong()).isEqualTo(Files.getLastModifiedTime(
                Path.of(java.net.URI.create(artifacts.uri(first.key())))).toInstant().getEpochSecond());
        assertThat(result.output().get(1).get("Key").asText()).isEqualTo("captures/credit/2024-05-02.jsonl");
    }

    @Test
    void anotherBucketOrAMissingKey_failsWithItemReaderFailed() {
        ExecutionResult missing = runtime().run("drift", distributedMap(GET_OBJECT),
                Json.tree("{\"manifest\":\"drift/none.json\"}"), ExecutionListener.none());
        assertThat(missing.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(missing.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(missing.cause()).contains("NoSuchKey").contains("drift/none.json");

        put("drift/manifest.json", "[1]");
        String elsewhere = GET_OBJECT.replace("${ArtifactBucket}", "someone-elses-bucket");
        ExecutionResult noBucket = runtime().run("drift", distributedMap(elsewhere),
                Json.tree("{\"manifest\":\"drift/manifest.json\"}"), ExecutionListener.none());
        assertThat(noBucket.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(noBucket.cause()).contains("NoSuchBucket").contains("someone-elses-bucket");
        assertThat(registries.executions().get(noBucket.executionId()).status()).isEqualTo(ExecutionStatus.FAILED);
    }

    @Test
    void withoutAnArtifactStore_theReaderSaysSo() {
        LocalRuntime runtime = new LocalRuntime(new LocalFunctions(), registries.executions(), Clock.systemUTC(),
                d -> { });
        ExecutionResult result = runtime.run("drift", distributedMap(GET_OBJECT),
                Json.tree("{\"manifest\":\"drift/manifest.json\"}"), ExecutionListener.none());
        assertThat(result.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(result.cause()).contains("no ItemReaderSource");
    }

    @Test
    void artifactBucketPlaceholder_isSubstituted() {
        assertThat(runtime().substitute("{\"Bucket\": \"${ArtifactBucket}\", \"F\": \"${Unknown}\"}"))
                .isEqualTo("{\"Bucket\": \"flywheel-local-artifacts\", \"F\": \"${Unknown}\"}");
    }
}
