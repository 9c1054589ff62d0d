package dev.flywheel.ml.features;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.ml.ArtifactIo;
import dev.flywheel.ml.InvalidInputException;
import dev.flywheel.ml.MlTask;
import dev.flywheel.ml.Values;
import dev.flywheel.registry.DatasetNotFoundException;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fits the feature pipeline on the training split and writes a checkpoint keyed by (dataset sha256, pipeline
 * config sha256): {@code pipeline.json}, {@code schema.json}, {@code train.bin}/{@code validation.bin}/
 * {@code test.bin} ({@link MatrixFile}), {@code test.csv} (the raw test rows, to score any model on them),
 * {@code profile.json}, and last {@code manifest.json}. A checkpoint with a manifest is complete and is reused.
 */
public final class PreprocessService {
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessService.class);
    /** Version of the feature logic: changing how features are built must change the checkpoint key. */
    static final int PIPELINE_VERSION = 1;
    static final int MAX_ONE_HOT = 20;
    static final int MAX_REGRESSION_CLASSES = 20;
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;

    public PreprocessService(ArtifactStore artifacts, DatasetRegistry datasets) {
        this.artifacts = artifacts;
        this.datasets = datasets;
    }

    /** What determines the checkpoint's content besides the data; a null task means "inferred". */
    record PipelineConfig(int pipelineVersion, MlTask task, String target, PreprocessRequest.SplitConfig split,
                          int maxOneHot, List<Column> columns) {
    }

    public PreprocessResult preprocess(PreprocessRequest request) {
        long start = System.nanoTime();
        if (request.dataset() == null || request.dataset().name() == null) {
            throw new InvalidInputException("dataset is required: {\"name\": \"credit-g\", \"version\": 1}");
        }
        DatasetVersion dataset;
        try {
            dataset = request.dataset().version() > 0
                    ? datasets.get(request.dataset().name(), request.dataset().version())
                    : datasets.latest(request.dataset().name()).orElseThrow(() -> new DatasetNotFoundException(
                    "dataset '" + request.dataset().name() + "' has no versions: ingest it first"));
        } catch (dev.flywheel.domain.InvalidRecordException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        PreprocessRequest.SplitConfig split = (request.split() == null ? PreprocessRequest.SplitConfig.DEFAULT
                : request.split()).withDefaults();
        if (split.validation() <= 0 || split.test() <= 0 || split.validation() + split.test() >= 0.9) {
            throw new InvalidInputException("split.validation and split.test must be positive and leave at least "
                    + "10% of rows for training, got " + split.validation() + " and " + split.test());
        }
        try (LogContext ignored = LogContext.with("dataset", dataset.name(), "datasetVersion", dataset.version())) {
            Schema schema = dataset.schema();
            Column target = schema.target().orElseThrow(() -> new InvalidInputException(
                    "dataset '" + dataset.name() + "' has no target column"));
            // The requested task (null: inferred from the data) is part of the key, so a hit needs no data read.
            PipelineConfig config = new PipelineConfig(PIPELINE_VERSION, request.task(), target.name(), split,
                    MAX_ONE_HOT, schema.columns());
            String configSha = Hashing.sha256(Json.write(config));
            String prefix = "features/" + dataset.sha256() + "/" + configSha + "/";
            if (artifacts.exists(prefix + "manifest.json")) {
                FeatureSet hit = Json.read(ArtifactIo.text(artifacts, prefix + "manifest.json"), FeatureSet.class);
                long millis = (System.nanoTime() - start) / 1_000_000;
                LOG.info("checkpoint hit [prefix={}, durationMillis={}]", prefix, millis);
                return new PreprocessResult(hit.withRun(true, millis));
            }
            Table table = readTable(artifacts.keyOf(dataset.artifactUri()), schema);
            MlTask task = request.task() != null ? request.task() : inferTask(target, table.column(target.name()));
            FeatureSet built = build(dataset, schema, target, table, task, split, configSha, prefix);
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("checkpoint written [prefix={}, durationMillis={}]", prefix, millis);
            return new PreprocessResult(built.withRun(false, millis));
        }
    }

    private FeatureSet build(DatasetVersion dataset, Schema schema, Column target, Table table, MlTask task,
                             PreprocessRequest.SplitConfig split, String configSha, String prefix) {
        List<String> warnings = new ArrayList<>();
        List<String> targetValues = table.column(target.name());
        List<String> classes = List.of();
        if (task.isClassification()) {
            TreeSet<String> distinct = new TreeSet<>(targetValues);
            distinct.remove("");
            classes = List.copyOf(distinct);
            if (classes.size() < 2) {
                throw new InvalidInputException("target '" + target.name() + "' has " + classes.size()
                        + " class(es): classification needs at least two");
            }
            if (task == MlTask.BINARY && classes.size() != 2) {
                throw new InvalidInputException("task 'binary' needs exactly two classes, target '" + target.name()
                        + "' has " + classes.size() + ": " + abbreviate(classes) + "; use task 'multiclass'");
            }
        } else {
            for (String v : targetValues) {
                if (Values.number(v) == null) {
                    throw new InvalidInputException("task 'regression' needs a numeric target, but '" + target.name()
                            + "' has the value '" + v + "'");
                }
            }
        }
        int[][] parts = split(table.rows(), targetValues, task, split);
        int[] train = parts[0];

        // Fit on the training split only.
        List<FeatureSpec> specs = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (Column c : schema.features()) {
            List<String> values = table.column(c.name());
            FeatureSpec spec = fit(c, values, train, excluded, warnings);
            if (spec != null) {
                specs.add(spec);
            }
        }
        if (specs.isEmpty()) {
            throw new InvalidInputException("dataset '" + dataset.name() + "' has no usable feature columns: "
                    + "every feature was excluded (" + excluded + ")");
        }
        FittedPipeline pipeline = new FittedPipeline(PIPELINE_VERSION, task, target.name(), classes, specs, excluded);

        String[] names = {"train", "validation", "test"};
        for (int p = 0; p < 3; p++) {
            MatrixFile matrix = matrix(pipeline, table, parts[p]);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            matrix.write(bytes);
            ArtifactIo.put(artifacts, prefix + names[p] + ".bin", bytes.toByteArray());
        }
        ArtifactIo.put(artifacts, prefix + "test.csv", rawRows(table, parts[2]));
        ArtifactIo.put(artifacts, prefix + "pipeline.json", Json.writePretty(pipeline));
        ArtifactIo.put(artifacts, prefix + "schema.json", Json.write(schema));
        ArtifactIo.put(artifacts, prefix + "profile.json", Json.writePretty(profile(pipeline, schema, table, train)));
        FeatureSet features = new FeatureSet(dataset.name(), dataset.version(), dataset.sha256(), configSha, prefix,
                task, target.name(), classes, new FeatureSet.SplitRows(parts[0].length, parts[1].length,
                parts[2].length), false, 0, warnings);
        ArtifactIo.put(artifacts, prefix + "manifest.json", Json.writePretty(features));
        return features;
    }

    private static FeatureSpec fit(Column c, List<String> values, int[] train, List<String> excluded,
                                   List<String> warnings) {
        if (c.type() == ColumnType.TEXT) {
            excluded.add(c.name());
            warnings.add("column '" + c.name() + "' is free text / high-cardinality and is not used as a feature");
            return null;
        }
        if (c.type() == ColumnType.NUMERIC || c.type() == ColumnType.BOOLEAN) {
            double[] present = new double[train.length];
            int n = 0;
            boolean missing = false;
            for (int r : train) {
                double v = FittedPipeline.numeric(values.get(r));
                if (Double.isNaN(v)) {
                    missing = true;
                } else {
                    present[n++] = v;
                }
            }
            if (n == 0) {
                excluded.add(c.name());
                warnings.add("column '" + c.name() + "' has no values in the training split and is not used");
                return null;
            }
            Arrays.sort(present, 0, n);
            double median = n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
            return new FeatureSpec(c.name(), FeatureSpec.Kind.NUMERIC, median, missing, List.of());
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int r : train) {
            counts.merge(FittedPipeline.category(values.get(r)), 1, Integer::sum);
        }
        List<String> categories = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        if (categories.size() > 0.5 * train.length && categories.size() > MAX_ONE_HOT) {
            excluded.add(c.name());
            warnings.add("column '" + c.name() + "' looks like an identifier (" + categories.size()
                    + " distinct values in " + train.length + " rows) and is not used as a feature");
            return null;
        }
        FeatureSpec.Kind kind = categories.size() <= MAX_ONE_HOT ? FeatureSpec.Kind.ONE_HOT : FeatureSpec.Kind.ORDINAL;
        return new FeatureSpec(c.name(), kind, 0, false, categories);
    }

    private static MatrixFile matrix(FittedPipeline pipeline, Table table, int[] rows) {
        int width = pipeline.width();
        float[] features = new float[rows.length * width];
        float[] labels = new float[rows.length];
        Map<String, String> row = new HashMap<>();
        List<String> names = table.names();
        int targetIndex = names.indexOf(pipeline.target());
        for (int i = 0; i < rows.length; i++) {
            String[] values = table.rows().get(rows[i]);
            for (int c = 0; c < names.size(); c++) {
                row.put(names.get(c), values[c]);
            }
            pipeline.transform(row, features, i * width);
            labels[i] = pipeline.label(values[targetIndex]);
        }
        return new MatrixFile(rows.length, width, features, labels);
    }

    private static BaselineProfile profile(FittedPipeline pipeline, Schema schema, Table table, int[] train) {
        Map<String, BaselineProfile.FeatureProfile> features = new LinkedHashMap<>();
        for (FeatureSpec spec : pipeline.features()) {
            List<String> values = table.column(spec.name());
            if (spec.kind() == FeatureSpec.Kind.NUMERIC) {
                BaselineProfile.NumericBuilder b = new BaselineProfile.NumericBuilder();
                for (int r : train) {
                    b.add(FittedPipeline.numeric(values.get(r)));
                }
                features.put(spec.name(), b.build());
            } else {
                BaselineProfile.CategoricalBuilder b = new BaselineProfile.CategoricalBuilder();
                for (int r : train) {
                    b.add(FittedPipeline.category(values.get(r)));
                }
                features.put(spec.name(), b.build());
            }
        }
        List<String> target = table.column(pipeline.target());
        BaselineProfile.FeatureProfile targetProfile;
        if (pipeline.task() == MlTask.REGRESSION) {
            BaselineProfile.NumericBuilder b = new BaselineProfile.NumericBuilder();
            for (int r : train) {
                b.add(FittedPipeline.numeric(target.get(r)));
            }
            targetProfile = b.build();
        } else {
            BaselineProfile.CategoricalBuilder b = new BaselineProfile.CategoricalBuilder();
            for (int r : train) {
                b.add(target.get(r));
            }
            targetProfile = b.build();
        }
        return new BaselineProfile(train.length, features, targetProfile, null);
    }

    /** Seeded stratified split: by class for classification, by target decile for regression. */
    static int[][] split(List<String[]> rows, List<String> target, MlTask task, PreprocessRequest.SplitConfig split) {
        Map<String, List<Integer>> strata = new TreeMap<>();
        if (task.isClassification()) {
            for (int i = 0; i < target.size(); i++) {
                strata.computeIfAbsent(target.get(i), k -> new ArrayList<>()).add(i);
            }
        } else {
            Integer[] order = new Integer[target.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            double[] y = target.stream().mapToDouble(FittedPipeline::numeric).toArray();
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> y[i]).thenComparingInt(i -> i));
            int bins = Math.max(1, Math.min(10, order.length / 20));
            for (int k = 0; k < order.length; k++) {
                strata.computeIfAbsent(String.format(Locale.ROOT, "%03d", (long) k * bins / order.length),
                        s -> new ArrayList<>()).add(order[k]);
            }
        }
        Random random = new Random(split.seed());
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> stratum : strata.values()) {
            java.util.Collections.shuffle(stratum, random);
            int n = stratum.size();
            int nTest = (int) Math.round(n * split.test());
            int nValidation = (int) Math.round(n * split.validation());
            if (n >= 3) {
                nTest = Math.max(1, nTest);
                nValidation = Math.max(1, nValidation);
            }
            for (int k = 0; k < n; k++) {
                (k < nTest ? test : k < nTest + nValidation ? validation : train).add(stratum.get(k));
            }
        }
        if (train.isEmpty() || validation.isEmpty() || test.isEmpty()) {
            throw new InvalidInputException("the dataset has " + rows.size() + " rows: too few to split into train, "
                    + "validation and test; supply at least 20 rows");
        }
        return new int[][]{sorted(train), sorted(validation), sorted(test)};
    }

    private static int[] sorted(List<Integer> rows) {
        return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    static MlTask inferTask(Column target, List<String> values) {
        TreeSet<String> distinct = new TreeSet<>(values);
        distinct.remove("");
        if (target.type() == ColumnType.NUMERIC && distinct.size() > MAX_REGRESSION_CLASSES) {
            return MlTask.REGRESSION;
        }
        return distinct.size() == 2 ? MlTask.BINARY : MlTask.MULTICLASS;
    }

    private byte[] rawRows(Table table, int[] rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(writer, CSV)) {
            printer.printRecord(table.names());
            for (int r : rows) {
                printer.printRecord((Object[]) table.rows().get(r));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Table readTable(String key, Schema schema) {
        try (InputStream in = artifacts.get(key);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                     .parse(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> names = parser.getHeaderNames();
            if (!names.equals(schema.names())) {
                throw new IllegalStateException("dataset file columns " + names + " differ from its schema");
            }
            List<String[]> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                rows.add(record.values());
            }
            return new Table(List.copyOf(names), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + key, e);
        }
    }

    /** Reads the raw rows stored as {@code test.csv} in a checkpoint. */
    public static Table readRawRows(ArtifactStore artifacts, String key) {
        try (InputStream in = artifacts.get(key);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                     .parse(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String[]> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                rows.add(record.values());
            }
            return new Table(List.copyOf(parser.getHeaderNames()), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key, e);
        }
    }

    private static String abbreviate(List<String> values) {
        return values.size() > 10 ? values.subList(0, 10) + "..." : values.toString();
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
