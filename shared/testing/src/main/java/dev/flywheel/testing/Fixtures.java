package dev.flywheel.testing;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnRole;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Lineage;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.store.Hashing;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Valid domain records for tests. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");

    private Fixtures() {
    }

    public static Schema schema() {
        return new Schema(List.of(
                new Column("age", ColumnType.NUMERIC, ColumnRole.FEATURE, true),
                new Column("purpose", ColumnType.CATEGORICAL, ColumnRole.FEATURE, false),
                new Column("id", ColumnType.TEXT, ColumnRole.ID, false),
                new Column("class", ColumnType.CATEGORICAL, ColumnRole.TARGET, false)));
    }

    public static DatasetVersion dataset(String name, String content) {
        String sha = Hashing.sha256(content);
        return new DatasetVersion(name, 0, sha, schema(), 1000, 3, "file:///data/" + name + ".csv",
                "file:///home/artifacts/datasets/" + name + "/" + sha + "/data.csv", T0,
                Map.of("data.csv", Hashing.sha256(content)));
    }

    public static Lineage lineage() {
        return new Lineage("credit-g", 1, Hashing.sha256("data"), Hashing.sha256("pipeline"));
    }

    public static ModelVersion model(String name, String runId) {
        return new ModelVersion(name, 0, "file:///home/artifacts/models/" + name + "/" + runId + "/package.zip",
                Hashing.sha256(runId), Map.of("auc", 0.81), lineage(), runId, Map.of("max_depth", "4"),
                "0.1.0+abc1234", T0, null);
    }

    /** The placeholders of event fixtures that carry a preprocessing checkpoint ({@code ${DATASET_SHA}}, ...). */
    public static Map<String, String> checkpointValues(String datasetSha, String configSha, Map<String, String> files) {
        Map<String, String> values = new java.util.HashMap<>();
        values.put("DATASET_SHA", datasetSha);
        values.put("CONFIG_SHA", configSha);
        values.put("SHA_PIPELINE", files.get("pipeline.json"));
        values.put("SHA_PROFILE", files.get("profile.json"));
        values.put("SHA_SCHEMA", files.get("schema.json"));
        values.put("SHA_TEST_ROWS", files.get("test.csv"));
        values.put("SHA_TRAIN", files.get("train.bin"));
        values.put("SHA_VALIDATION", files.get("validation.bin"));
        return values;
    }
}
