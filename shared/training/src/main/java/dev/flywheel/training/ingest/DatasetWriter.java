package dev.flywheel.training.ingest;

import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.IngestResult;

import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.json.Json;
import dev.flywheel.training.steps.LeftOutColumn;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.StoredArtifact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Writes the files of a dataset version ({@link DatasetFiles}) to the artifact store and registers it, or, for
 * content ingested before, restores the registered files that no longer match.
 */
final class DatasetWriter {
    /** The ingest's logger: these lines are the ingest's, as they were before this class was split out of it. */
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;
    private final Clock clock;

    DatasetWriter(ArtifactStore artifacts, DatasetRegistry datasets, Clock clock) {
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.clock = clock;
    }

    /**
     * Content ingested before: the existing version, nothing new written, except that a registered file which no
     * longer matches (changed or deleted in the store) is restored from the identical fresh copy.
     */
    IngestResult existing(DatasetVersion version, Schema schema, ColumnProfile profile,
                          RowValidator.Validated validated, List<String> warnings) {
        restore(version, DatasetFiles.DATA, () -> fileBytes(validated.data()), warnings);
        restore(version, DatasetFiles.QUARANTINE, () -> fileBytes(validated.quarantine()), warnings);
        restore(version, DatasetFiles.SCHEMA, () -> Json.write(schema).getBytes(StandardCharsets.UTF_8), warnings);
        restore(version, DatasetFiles.DOMAINS, () -> Json.write(profile.domains(schema))
                .getBytes(StandardCharsets.UTF_8), warnings);
        LOG.info("identical data ingested before [dataset={}, version={}]", version.name(), version.version());
        String quarantineKey = DatasetFiles.key(version, DatasetFiles.QUARANTINE);
        return new IngestResult(version, false,
                version.files().containsKey(DatasetFiles.QUARANTINE) ? artifacts.uri(quarantineKey) : null,
                validated.bad(), leftOut(schema), warnings);
    }

    /** Writes the files of a new version and registers it; {@code domains} only for a dataset's first version. */
    IngestResult register(String name, IngestRequest request, Schema schema, ColumnDomains domains,
                          RowValidator.Validated validated, List<String> warnings) {
        String prefix = DatasetFiles.prefix(name, validated.sha256());
        Map<String, String> files = new TreeMap<>();
        StoredArtifact dataFile = putFile(prefix + DatasetFiles.DATA, validated.data());
        files.put(DatasetFiles.DATA, dataFile.sha256());
        files.put(DatasetFiles.SCHEMA, putBytes(prefix + DatasetFiles.SCHEMA,
                Json.write(schema).getBytes(StandardCharsets.UTF_8)).sha256());
        if (domains != null) {
            files.put(DatasetFiles.DOMAINS, putBytes(prefix + DatasetFiles.DOMAINS,
                    Json.write(domains).getBytes(StandardCharsets.UTF_8)).sha256());
        }
        String quarantineUri = null;
        if (validated.bad() > 0) {
            StoredArtifact stored = putFile(prefix + DatasetFiles.QUARANTINE, validated.quarantine());
            files.put(DatasetFiles.QUARANTINE, stored.sha256());
            quarantineUri = stored.uri();
        }
        DatasetVersion draft = new DatasetVersion(name, 0, validated.sha256(), schema, validated.accepted(),
                validated.bad(), request.source(), dataFile.uri(), clock.instant(), files);
        DatasetRegistry.Registration registration = datasets.register(draft);
        LOG.info("ingested [dataset={}, version={}, rows={}, quarantined={}, created={}]", name,
                registration.dataset().version(), validated.accepted(), validated.bad(), registration.created());
        return new IngestResult(registration.dataset(), registration.created(), quarantineUri, validated.bad(),
                leftOut(schema), warnings);
    }

    /** Puts back a registered file whose stored copy is missing or changed, from an identical fresh copy. */
    private void restore(DatasetVersion version, String file, Supplier<byte[]> fresh, List<String> warnings) {
        String expected = version.files().get(file);
        if (expected == null) {
            return;
        }
        String key = DatasetFiles.key(version, file);
        Optional<String> stored = artifacts.stat(key).map(StoredArtifact::sha256);
        if (stored.isPresent() && stored.get().equals(expected)) {
            return;
        }
        byte[] bytes = fresh.get();
        checkRestored(version, file, Hashing.sha256(bytes), expected);
        StoredArtifact written = putBytes(key, bytes);
        checkRestored(version, file, written.sha256(), expected);
        warnings.add("restored " + artifacts.uri(key) + ": it was " + (stored.isPresent() ? "changed" : "missing")
                + " and did not match what was registered");
        LOG.warn("dataset file restored [key={}, was={}]", key, stored.orElse("missing"));
    }

    private static void checkRestored(DatasetVersion version, String file, String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("the canonical " + file + " of '" + version.name() + "' v"
                    + version.version() + " came out with sha256 " + actual + ", not " + expected);
        }
    }

    private static List<LeftOutColumn> leftOut(Schema schema) {
        return schema.leftOut().stream().map(c -> new LeftOutColumn(c.name(),
                c.reason() != null ? c.reason() : c.role().name().toLowerCase(Locale.ROOT))).toList();
    }

    private StoredArtifact putBytes(String key, byte[] bytes) {
        return artifacts.put(key, new ByteArrayInputStream(bytes));
    }

    private static byte[] fileBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StoredArtifact putFile(String key, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return artifacts.put(key, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
