package dev.flywheel.serving;

import dev.flywheel.json.Json;
import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.ArtifactIntegrityException;
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

    /**
     * Checks a package's bytes: the sha256 it was registered with (when given), a readable zip, and every file
     * against the package's manifest. Needs neither DJL nor XGBoost.
     *
     * @return the package's files by name
     * @throws ArtifactIntegrityException naming the package and what does not match
     */
    public static Map<String, byte[]> verify(String uri, byte[] zip, String expectedSha256) {
        String sha = Hashing.sha256(zip);
        if (expectedSha256 != null && !expectedSha256.equals(sha)) {
            throw new ArtifactIntegrityException("the model package " + uri + " has sha256 " + sha + ", not the "
                    + expectedSha256 + " registered: it was changed or damaged after registration. Restore it, or "
                    + "move the champion to another version (flywheel models rollback / promote)");
        }
        Map<String, byte[]> files = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(zip))) {
            java.util.zip.ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (!entry.isDirectory()) {
                    files.put(entry.getName(), in.readAllBytes());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ArtifactIntegrityException("the model package " + uri + " is not a readable zip: "
                    + e.getMessage(), e);
        }
        byte[] manifestBytes = files.get(MANIFEST);
        if (manifestBytes == null) {
            throw new ArtifactIntegrityException("the model package " + uri + " has no " + MANIFEST);
        }
        Manifest manifest;
        try {
            manifest = Json.read(new String(manifestBytes, StandardCharsets.UTF_8), Manifest.class);
        } catch (dev.flywheel.json.JsonFormatException e) {
            throw new ArtifactIntegrityException("the model package " + uri + " has an unreadable " + MANIFEST
                    + ": " + e.getMessage(), e);
        }
        if (manifest.files() == null || !manifest.files().containsKey(MODEL)) {
            throw new ArtifactIntegrityException("the model package " + uri + " has a manifest without " + MODEL);
        }
        manifest.files().forEach((name, expected) -> {
            byte[] bytes = files.get(name);
            if (bytes == null || !Hashing.sha256(bytes).equals(expected)) {
                throw new ArtifactIntegrityException("the model package " + uri + ": file " + name
                        + (bytes == null ? " is missing" : " does not match its sha256 in the manifest"));
            }
        });
        return files;
    }

    /** A package file's text, as {@link #verify} returned the files. */
    public static String text(Map<String, byte[]> files, String name) {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new ArtifactIntegrityException("the model package has no " + name);
        }
        return new String(bytes, StandardCharsets.UTF_8);
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
