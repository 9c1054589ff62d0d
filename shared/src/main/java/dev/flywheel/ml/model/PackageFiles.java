package dev.flywheel.ml.model;

import dev.flywheel.json.Json;
import dev.flywheel.ml.features.BaselineProfile;
import dev.flywheel.ml.features.FittedPipeline;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.StoredArtifact;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a model package: one zip at {@code models/<model>/<runId>/model.zip} holding {@code model.json}
 * (XGBoost), {@code pipeline.json}, {@code schema.json}, {@code profile.json}, {@code metadata.json} and
 * {@code manifest.json} (sha256 of every other file, checked when the package is loaded). Has no DJL or
 * XGBoost dependency, so training code can write packages that inference code reads.
 */
public final class PackageFiles {
    public static final String MODEL = "model.json";
    public static final String PIPELINE = "pipeline.json";
    public static final String SCHEMA = "schema.json";
    public static final String PROFILE = "profile.json";
    public static final String METADATA = "metadata.json";
    public static final String MANIFEST = "manifest.json";

    private PackageFiles() {
    }

    /** @param manifest file name to sha256 */
    public record Manifest(int formatVersion, Map<String, String> files) {
    }

    public static String key(String model, String runId) {
        return "models/" + model + "/" + runId + "/model.zip";
    }

    public static StoredArtifact write(ArtifactStore store, String key, byte[] xgboostModelJson, FittedPipeline pipeline,
                                       String schemaJson, BaselineProfile profile, ModelMetadata metadata) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MODEL, xgboostModelJson);
        files.put(PIPELINE, Json.writePretty(pipeline).getBytes(StandardCharsets.UTF_8));
        files.put(SCHEMA, schemaJson.getBytes(StandardCharsets.UTF_8));
        files.put(PROFILE, Json.writePretty(profile).getBytes(StandardCharsets.UTF_8));
        files.put(METADATA, Json.writePretty(metadata).getBytes(StandardCharsets.UTF_8));
        Map<String, String> shas = new TreeMap<>();
        files.forEach((name, bytes) -> shas.put(name, Hashing.sha256(bytes)));
        files.put(MANIFEST, Json.writePretty(new Manifest(1, shas)).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                entry.setTime(0L);
                zip.putNextEntry(entry);
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store.put(key, new ByteArrayInputStream(zipBytes.toByteArray()));
    }
}
