package dev.flywheel.training.preprocess;

import java.time.Clock;
import dev.flywheel.store.Stores;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.steps.PreprocessResult;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.registry.DatasetNotFoundException;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a dataset version into train, validation and test by a stable hash of each row's identity
 * ({@link RowSplitter}), fits the feature pipeline on the training rows only, and writes a checkpoint keyed by
 * (dataset sha256, pipeline config sha256): {@code pipeline.json}, {@code schema.json}, {@code train.bin} and
 * {@code validation.bin} ({@link MatrixFile}), {@code test.csv} (the raw test rows, to score any model on them),
 * {@code profile.json}, and last {@code manifest.json} with the sha256 of every other file. A checkpoint with a
 * readable manifest is complete and is reused; one whose manifest cannot be read is rebuilt.
 *
 * <p>Memory: the dataset is read once into a {@link ColumnStore} (about 8 bytes per numeric cell, 4 per
 * categorical cell), and split, fitting, profile and matrices all work from those arrays; the matrices and
 * {@code test.csv} are streamed into the store row by row. Every read of the dataset file is checked against its
 * registered sha256.
 *
 * <p>The steps, each in its own class: {@link DatasetRows} reads the dataset, {@link DatasetSplit} splits it and
 * checks the parts, {@link TargetValues} reads the target, {@link PipelineFitter} fits the pipeline on the training
 * rows, {@link BaselineProfiler} profiles them, and {@link CheckpointWriter} writes the files and the manifest.
 */
public final class PreprocessService {
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessService.class);

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;
    private final CheckpointWriter checkpoints;

    public PreprocessService(ArtifactStore artifacts, DatasetRegistry datasets) {
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.checkpoints = new CheckpointWriter(artifacts);
    }

    /** The service over a process's stores (the Lambda handler's and the local runtime's wiring). */
    public static PreprocessService over(Stores stores, Clock clock) {
        return new PreprocessService(stores.artifacts(), stores.registries().datasets());
    }

    /** What determines the checkpoint's content besides the data; a null task means "inferred". */
    record PipelineConfig(int pipelineVersion, MlTask task, String target, SplitSpec split, int maxOneHot,
                          List<Column> columns, List<String> missingValues) {
    }

    public PreprocessResult preprocess(PreprocessRequest request) {
        long start = System.nanoTime();
        DatasetVersion dataset = dataset(request);
        try (LogContext ignored = LogContext.with(LogContext.DATASET, dataset.name(), LogContext.DATASET_VERSION, dataset.version())) {
            Schema schema = dataset.schema();
            Column target = schema.target().orElseThrow(() -> new InvalidInputException(
                    "dataset '" + dataset.name() + "' has no target column"));
            SplitSpec split = DatasetSplit.spec(request, schema);
            // The requested task (null: inferred from the data) is part of the key, so a hit needs no data read.
            PipelineConfig config = new PipelineConfig(PipelineFitter.PIPELINE_VERSION, request.task(), target.name(),
                    split, PipelineFitter.MAX_ONE_HOT, schema.columns(), schema.missingValues());
            String configSha = Hashing.sha256(Json.write(config));
            String prefix = Checkpoint.prefix(dataset.sha256(), configSha);
            List<String> warnings = new ArrayList<>();
            Optional<FeatureSet> hit = checkpoints.existing(prefix, warnings);
            if (hit.isPresent()) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                LOG.info("checkpoint hit [prefix={}, durationMillis={}]", prefix, millis);
                return new PreprocessResult(hit.get().withRun(true, millis));
            }
            ColumnStore data = DatasetRows.readColumns(artifacts, dataset, target, split);
            ColumnStore.CodedColumn targetColumn = data.coded(target.name());
            MlTask task = request.task() != null ? request.task()
                    : TargetValues.inferTask(target, targetColumn.dictionary());
            FeatureSet built = build(dataset, target, data, task, split, configSha, prefix, warnings);
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("checkpoint written [prefix={}, durationMillis={}]", prefix, millis);
            return new PreprocessResult(built.withRun(false, millis));
        }
    }

    private DatasetVersion dataset(PreprocessRequest request) {
        if (request.dataset() == null || request.dataset().name() == null) {
            throw new InvalidInputException("dataset is required: {\"name\": \"credit-g\", \"version\": 1}");
        }
        try {
            return request.dataset().version() > 0
                    ? datasets.get(request.dataset().name(), request.dataset().version())
                    : datasets.latest(request.dataset().name()).orElseThrow(() -> new DatasetNotFoundException(
                    "dataset '" + request.dataset().name() + "' has no versions: ingest it first"));
        } catch (dev.flywheel.domain.InvalidRecordException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** Checks the target and the split, fits the pipeline on the training rows, and writes the checkpoint. */
    private FeatureSet build(DatasetVersion dataset, Column target, ColumnStore data, MlTask task, SplitSpec split,
                             String configSha, String prefix, List<String> warnings) {
        ColumnStore.CodedColumn targetColumn = data.coded(target.name());
        List<String> classes = List.of();
        double[] y = null;
        if (task.isClassification()) {
            classes = TargetValues.classes(target, targetColumn, task);
        } else {
            y = TargetValues.regressionTarget(target, targetColumn);
        }
        int[][] parts = DatasetSplit.parts(data.parts());
        DatasetSplit.checkParts(parts, data.rows(), split);
        if (task.isClassification()) {
            DatasetSplit.checkClassesInEveryPart(target, targetColumn, data.parts(), split);
        }
        // Fit on the training split only.
        PipelineFitter.Fitted fitted = PipelineFitter.fit(dataset, target, task, classes, data,
                parts[RowSplitter.TRAIN]);
        Map<String, String> files = checkpoints.writeFiles(prefix, dataset, data, fitted.pipeline(), y, parts);
        FeatureSet features = new FeatureSet(dataset.name(), dataset.version(), dataset.sha256(), configSha, prefix,
                task, target.name(), classes, new FeatureSet.SplitRows(parts[RowSplitter.TRAIN].length,
                parts[RowSplitter.VALIDATION].length, parts[RowSplitter.TEST].length), split, files, fitted.leftOut(),
                false, 0, warnings);
        checkpoints.writeManifest(prefix, features);
        return features;
    }

    /** Reads the raw test rows of a checkpoint, checked against its manifest. */
    public static Table readTestRows(ArtifactStore artifacts, FeatureSet features) {
        return Checkpoint.read(artifacts, features, Checkpoint.TEST_ROWS, in -> {
            CSVParser parser = DatasetRows.WITH_HEADER.parse(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String[]> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                rows.add(record.values());
            }
            return new Table(List.copyOf(parser.getHeaderNames()), rows);
        });
    }

    /** Rows of canonical strings ("" = missing), column names in schema order. */
    public record Table(List<String> names, List<String[]> rows) {
        public List<String> column(String name) {
            int index = names.indexOf(name);
            List<String> values = new ArrayList<>(rows.size());
            for (String[] row : rows) {
                values.add(row[index]);
            }
            return values;
        }

        /** The rows at {@code indices}, in that order. */
        public Table select(int[] indices) {
            List<String[]> selected = new ArrayList<>(indices.length);
            for (int i : indices) {
                selected.add(rows.get(i));
            }
            return new Table(names, selected);
        }

        /**
         * Each row as a JSON client of the inference API sends it: numbers as numbers, "" as null, the target and
         * columns the schema does not have left out.
         */
        public List<Map<String, Object>> asRequestInstances(dev.flywheel.domain.Schema schema, String target) {
            List<Map<String, Object>> out = new ArrayList<>(rows.size());
            for (String[] row : rows) {
                Map<String, Object> typed = new LinkedHashMap<>();
                for (int c = 0; c < names.size(); c++) {
                    var column = schema.column(names.get(c));
                    if (names.get(c).equals(target) || column.isEmpty()) {
                        continue;
                    }
                    String text = row[c] == null ? "" : row[c];
                    typed.put(names.get(c), text.isEmpty() ? null
                            : column.get().type() == dev.flywheel.domain.ColumnType.NUMERIC
                            ? (Object) Double.parseDouble(text) : text);
                }
                out.add(typed);
            }
            return out;
        }

        /** Each row as a map of column to value, for prediction. */
        public List<Map<String, Object>> asMaps() {
            List<Map<String, Object>> maps = new ArrayList<>(rows.size());
            for (String[] row : rows) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int c = 0; c < names.size(); c++) {
                    map.put(names.get(c), row[c]);
                }
                maps.add(map);
            }
            return maps;
        }
    }
}
