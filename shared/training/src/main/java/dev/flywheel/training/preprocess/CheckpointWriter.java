package dev.flywheel.training.preprocess;

import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.training.steps.FeatureSet;

import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.json.Json;
import dev.flywheel.json.JsonFormatException;
import dev.flywheel.serving.ArtifactIo;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.StoredArtifact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes the files of a checkpoint ({@link Checkpoint}) under its prefix, the manifest last, and finds a complete
 * one written before.
 */
final class CheckpointWriter {
    /** The preprocessing's logger: these lines are preprocessing's, as before this class was split out of it. */
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessService.class);

    private final ArtifactStore artifacts;

    CheckpointWriter(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    /** The checkpoint's manifest when it is complete and readable; a damaged one is reported and rebuilt. */
    Optional<FeatureSet> existing(String prefix, List<String> warnings) {
        String key = prefix + Checkpoint.MANIFEST;
        String text;
        try {
            text = ArtifactIo.text(artifacts, key);
        } catch (ArtifactNotFoundException e) {
            return Optional.empty();
        }
        String problem;
        try {
            FeatureSet manifest = Json.read(text, FeatureSet.class);
            List<String> missing = new ArrayList<>();
            for (String file : Checkpoint.FILES) {
                if (!manifest.files().containsKey(file) || !artifacts.exists(prefix + file)) {
                    missing.add(file);
                }
            }
            if (missing.isEmpty() && prefix.equals(manifest.prefix())) {
                return Optional.of(manifest);
            }
            problem = missing.isEmpty() ? "its manifest names another folder" : "it lacks " + missing;
        } catch (JsonFormatException e) {
            problem = "its manifest cannot be read (" + e.getMessage() + ")";
        }
        String warning = "the checkpoint " + prefix + " (" + artifacts.uri(key) + ") is damaged (" + problem
                + "): rebuilt";
        warnings.add(warning);
        LOG.warn("checkpoint damaged, rebuilding [prefix={}, problem={}]", prefix, problem);
        return Optional.empty();
    }

    /**
     * Writes every file but the manifest: the split matrices, the raw test rows, the pipeline, the schema and the
     * baseline profile of the training split.
     *
     * @param y     the regression target, or null for classification
     * @param parts the rows of train, validation and test
     * @return the sha256 of each file written
     */
    Map<String, String> writeFiles(String prefix, DatasetVersion dataset, ColumnStore data, FittedPipeline pipeline,
                                   double[] y, int[][] parts) {
        int[] train = parts[RowSplitter.TRAIN];
        Map<String, String> files = new TreeMap<>();
        files.put(Checkpoint.TRAIN, put(prefix + Checkpoint.TRAIN, matrix(pipeline, data, y, train)).sha256());
        files.put(Checkpoint.VALIDATION, put(prefix + Checkpoint.VALIDATION,
                matrix(pipeline, data, y, parts[RowSplitter.VALIDATION])).sha256());
        files.put(Checkpoint.TEST_ROWS, put(prefix + Checkpoint.TEST_ROWS,
                DatasetRows.testRows(artifacts, dataset, data.parts())).sha256());
        files.put(Checkpoint.PIPELINE, ArtifactIo.put(artifacts, prefix + Checkpoint.PIPELINE,
                Json.writePretty(pipeline)).sha256());
        files.put(Checkpoint.SCHEMA, ArtifactIo.put(artifacts, prefix + Checkpoint.SCHEMA,
                Json.write(dataset.schema())).sha256());
        files.put(Checkpoint.PROFILE, ArtifactIo.put(artifacts, prefix + Checkpoint.PROFILE,
                Json.writePretty(BaselineProfiler.profile(pipeline, data, y, train))).sha256());
        return files;
    }

    /** Written last: a checkpoint with a readable manifest is complete. */
    void writeManifest(String prefix, FeatureSet features) {
        ArtifactIo.put(artifacts, prefix + Checkpoint.MANIFEST, Json.writePretty(features));
    }

    /** The split's matrix, encoded row by row as the store reads it; labels are the only per-row array held. */
    private static ProducedInputStream matrix(FittedPipeline pipeline, ColumnStore data, double[] y, int[] rows) {
        float[] labels = new float[rows.length];
        if (y != null) {
            for (int i = 0; i < rows.length; i++) {
                labels[i] = (float) y[rows[i]];
            }
        } else {
            ColumnStore.CodedColumn target = data.coded(pipeline.target());
            float[] labelOfCode = new float[target.dictionary().size()];
            for (int code = 0; code < labelOfCode.length; code++) {
                labelOfCode[code] = pipeline.label(target.dictionary().get(code));
            }
            for (int i = 0; i < rows.length; i++) {
                labels[i] = labelOfCode[target.codes()[rows[i]]];
            }
        }
        ColumnEncoder encoder = new ColumnEncoder(pipeline, data);
        return MatrixFile.encode(rows.length, pipeline.width(), (i, out) -> encoder.encode(rows[i], out), labels);
    }

    /** Streams a produced artifact into the store and releases the producer. */
    private StoredArtifact put(String key, ProducedInputStream content) {
        try (content) {
            return artifacts.put(key, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + key, e);
        }
    }
}
