package dev.flywheel.training.preprocess;

import dev.flywheel.training.steps.FeatureSet;

import dev.flywheel.store.ArtifactIntegrityException;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a preprocessing checkpoint ({@code features/<dataset sha256>/<config sha256>/}) and the one way
 * to read them: checked against the sha256 that {@code manifest.json} (the {@link FeatureSet}) recorded when the
 * checkpoint was written. A file that does not match invalidates the checkpoint (its manifest is deleted, so the
 * next preprocessing run rebuilds it) and fails the read with an {@link ArtifactIntegrityException} naming it.
 */
public final class Checkpoint {
    public static final String MANIFEST = "manifest.json";
    public static final String PIPELINE = "pipeline.json";
    public static final String SCHEMA = "schema.json";
    public static final String PROFILE = "profile.json";
    public static final String TRAIN = "train.bin";
    public static final String VALIDATION = "validation.bin";
    /** The raw test rows, every column verbatim, so that any model can be scored on them. */
    public static final String TEST_ROWS = "test.csv";
    /**
     * Every file the manifest lists, in the order a damaged checkpoint names the ones it lacks: a checkpoint is
     * reused only when it has them all.
     */
    static final List<String> FILES = List.of(PIPELINE, SCHEMA, PROFILE, TRAIN, VALIDATION, TEST_ROWS);

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);

    private Checkpoint() {
    }

    /** The checkpoint's folder for a dataset and a pipeline config. */
    public static String prefix(String datasetSha256, String configSha256) {
        return "features/" + datasetSha256 + "/" + configSha256 + "/";
    }

    /** Opens one file of the checkpoint; the stream fails at its end when the content is not what was written. */
    public static InputStream open(ArtifactStore store, FeatureSet features, String file) {
        String key = features.prefix() + file;
        String expected = features.files().get(file);
        if (expected == null) {
            throw new ArtifactIntegrityException("the checkpoint " + features.prefix() + " lists no sha256 for "
                    + file + " (written by an older Flywheel, or its manifest is incomplete): run the pipeline "
                    + "again to rebuild it");
        }
        InputStream in;
        try {
            in = store.get(key);
        } catch (ArtifactNotFoundException e) {
            invalidate(store, features);
            throw new ArtifactIntegrityException("the checkpoint file " + store.uri(key) + " is missing although its "
                    + "manifest lists it; the checkpoint was invalidated: run the pipeline again to rebuild it", e);
        }
        return new VerifyingInputStream(in, expected, actual -> {
            invalidate(store, features);
            return new ArtifactIntegrityException("the checkpoint file " + store.uri(key) + " has sha256 " + actual
                    + ", not the " + expected + " recorded when it was written: it was changed or damaged. The "
                    + "checkpoint was invalidated: run the pipeline again to rebuild it");
        });
    }

    /** What a file's content becomes once parsed. */
    public interface Parser<T> {
        T parse(InputStream in) throws IOException;
    }

    /**
     * Parses one file of the checkpoint, then reads on to its end so that the check runs even when the parser
     * stops after the last value it needs.
     */
    public static <T> T read(ArtifactStore store, FeatureSet features, String file, Parser<T> parser) {
        try (InputStream in = open(store, features, file)) {
            T value;
            try {
                value = parser.parse(in);
            } catch (IOException | RuntimeException e) {
                // Damaged bytes often fail the parser first: the checksum then says what really happened.
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (ArtifactIntegrityException damaged) {
                    damaged.addSuppressed(e);
                    throw damaged;
                }
                throw e;
            }
            in.transferTo(OutputStream.nullOutputStream());
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + features.prefix() + file, e);
        }
    }

    /** Reads a whole (small) file of the checkpoint, checked. */
    public static String text(ArtifactStore store, FeatureSet features, String file) {
        return read(store, features, file, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Deletes the manifest, so that the next preprocessing run with this key rebuilds the whole checkpoint. */
    static void invalidate(ArtifactStore store, FeatureSet features) {
        try {
            store.delete(features.prefix() + MANIFEST);
            LOG.warn("checkpoint invalidated [prefix={}]", features.prefix());
        } catch (RuntimeException e) {
            LOG.warn("could not invalidate checkpoint [prefix={}, reason={}]", features.prefix(), e.getMessage());
        }
    }
}
