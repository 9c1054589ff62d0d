package dev.flywheel.training.ingest;

import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.store.ArtifactIntegrityException;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The files of a dataset version ({@code datasets/<name>/<sha256>/}) and the one way to read them: checked against
 * the sha256 the version recorded when they were written ({@link DatasetVersion#files()}).
 */
public final class DatasetFiles {
    /** The accepted rows in canonical form: header = schema column names, "" = missing. */
    public static final String DATA = "data.csv";
    public static final String SCHEMA = "schema.json";
    /** The categories of the first version, to warn about unseen ones later. */
    public static final String DOMAINS = "domains.json";
    /** Rejected rows with their reasons, one JSON object a line. */
    public static final String QUARANTINE = "quarantine.jsonl";

    private DatasetFiles() {
    }

    public static String prefix(String dataset, String sha256) {
        return "datasets/" + dataset + "/" + sha256 + "/";
    }

    public static String key(DatasetVersion version, String file) {
        return prefix(version.name(), version.sha256()) + file;
    }

    /** Opens a file of the version; the stream fails at its end when the content is not what was registered. */
    public static InputStream open(ArtifactStore store, DatasetVersion version, String file) {
        String key = key(version, file);
        String expected = version.files().get(file);
        if (expected == null) {
            throw new ArtifactIntegrityException("dataset '" + version.name() + "' v" + version.version()
                    + " records no sha256 for " + file + " (registered by an older Flywheel), so it cannot be "
                    + "checked: ingest the data again under a new dataset name");
        }
        InputStream in;
        try {
            in = store.get(key);
        } catch (ArtifactNotFoundException e) {
            throw new ArtifactIntegrityException("the dataset file " + store.uri(key) + " of '" + version.name()
                    + "' v" + version.version() + " is missing: " + remedy(version), e);
        }
        return new VerifyingInputStream(in, expected, actual -> new ArtifactIntegrityException("the dataset file "
                + store.uri(key) + " of '" + version.name() + "' v" + version.version() + " has sha256 " + actual
                + ", not the " + expected + " registered: it was changed or damaged after ingest. " + remedy(version)));
    }

    public static String text(ArtifactStore store, DatasetVersion version, String file) {
        try (InputStream in = open(store, version, file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key(version, file), e);
        }
    }

    /**
     * Reads every file of the version to its end, checking each.
     *
     * @return the files checked
     * @throws ArtifactIntegrityException at the first file that does not match
     */
    public static java.util.List<String> verify(ArtifactStore store, DatasetVersion version) {
        for (String file : version.files().keySet()) {
            try (InputStream in = open(store, version, file)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + key(version, file), e);
            }
        }
        return java.util.List.copyOf(version.files().keySet());
    }

    private static String remedy(DatasetVersion version) {
        return "Ingest the same source again (" + version.source() + "): identical data restores the file";
    }
}
