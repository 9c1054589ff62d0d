package dev.flywheel.training.preprocess;

import java.time.Clock;
import dev.flywheel.store.Stores;
import dev.flywheel.serving.BaselineProfile;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.steps.PreprocessResult;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.json.Json;
import dev.flywheel.json.JsonFormatException;
import dev.flywheel.logging.LogContext;
import dev.flywheel.serving.ArtifactIo;
import dev.flywheel.training.DataValidationException;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.training.steps.LeftOutColumn;
import dev.flywheel.domain.MlTask;
import dev.flywheel.data.Values;
import dev.flywheel.training.ingest.DatasetFiles;
import dev.flywheel.registry.DatasetNotFoundException;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.StoredArtifact;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
 */
public final class PreprocessService {
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessService.class);
    /** Version of the feature logic: changing how features are built must change the checkpoint key. */
    static final int PIPELINE_VERSION = 2;
    static final int MAX_ONE_HOT = 20;
    static final int MAX_REGRESSION_CLASSES = 20;
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    private static final CSVFormat WITH_HEADER = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .get();

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;

    public PreprocessService(ArtifactStore artifacts, DatasetRegistry datasets) {
        this.artifacts = artifacts;
        this.datasets = datasets;
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
        try (LogContext ignored = LogContext.with("dataset", dataset.name(), "datasetVersion", dataset.version())) {
            Schema schema = dataset.schema();
            Column target = schema.target().orElseThrow(() -> new InvalidInputException(
                    "dataset '" + dataset.name() + "' has no target column"));
            SplitSpec split = splitSpec(request, schema);
            // The requested task (null: inferred from the data) is part of the key, so a hit needs no data read.
            PipelineConfig config = new PipelineConfig(PIPELINE_VERSION, request.task(), target.name(), split,
                    MAX_ONE_HOT, schema.columns(), schema.missingValues());
            String configSha = Hashing.sha256(Json.write(config));
            String prefix = Checkpoint.prefix(dataset.sha256(), configSha);
            List<String> warnings = new ArrayList<>();
            Optional<FeatureSet> hit = existingCheckpoint(prefix, warnings);
            if (hit.isPresent()) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                LOG.info("checkpoint hit [prefix={}, durationMillis={}]", prefix, millis);
                return new PreprocessResult(hit.get().withRun(true, millis));
            }
            ColumnStore data = readColumns(dataset, target, split);
            ColumnStore.CodedColumn targetColumn = data.coded(target.name());
            MlTask task = request.task() != null ? request.task() : inferTask(target, targetColumn.dictionary());
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

    /**
     * The model's split: salted by {@code split.salt} or else the model name, identified by the columns the user
     * named as the row identity or else by the row's whole canonical content.
     */
    static SplitSpec splitSpec(PreprocessRequest request, Schema schema) {
        PreprocessRequest.SplitConfig config = request.split() == null ? PreprocessRequest.SplitConfig.DEFAULT
                : request.split();
        String salt = config.salt() != null && !config.salt().isBlank() ? config.salt() : request.model();
        if (salt == null || salt.isBlank()) {
            throw new InvalidInputException("model is required (its name salts the split), or set split.salt");
        }
        double validation = config.validationOrDefault();
        double test = config.testOrDefault();
        if (!(validation > 0) || !(test > 0) || validation + test >= 0.9) {
            throw new InvalidInputException("split.validation and split.test must be positive and leave at least "
                    + "10% of rows for training, got " + validation + " and " + test);
        }
        boolean fromContent = schema.identity().isEmpty();
        return new SplitSpec(SplitSpec.SCHEME, salt, validation, test,
                fromContent ? schema.names() : schema.identity(), fromContent);
    }

    /** The checkpoint's manifest when it is complete and readable; a damaged one is reported and rebuilt. */
    private Optional<FeatureSet> existingCheckpoint(String prefix, List<String> warnings) {
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
            for (String file : List.of(Checkpoint.PIPELINE, Checkpoint.SCHEMA, Checkpoint.PROFILE, Checkpoint.TRAIN,
                    Checkpoint.VALIDATION, Checkpoint.TEST_ROWS)) {
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

    private FeatureSet build(DatasetVersion dataset, Column target, ColumnStore data, MlTask task, SplitSpec split,
                             String configSha, String prefix, List<String> warnings) {
        Schema schema = dataset.schema();
        ColumnStore.CodedColumn targetColumn = data.coded(target.name());
        List<String> classes = List.of();
        double[] y = null;
        if (task.isClassification()) {
            classes = classes(target, targetColumn, task);
        } else {
            y = regressionTarget(target, targetColumn);
        }
        int[][] parts = parts(data.parts());
        checkParts(parts, data.rows(), split);
        if (task.isClassification()) {
            checkClassesInEveryPart(target, targetColumn, data.parts(), split);
        }
        int[] train = parts[RowSplitter.TRAIN];

        // Fit on the training split only.
        List<FeatureSpec> specs = new ArrayList<>();
        List<LeftOutColumn> leftOut = new ArrayList<>();
        for (Column c : schema.leftOut()) {
            leftOut.add(new LeftOutColumn(c.name(), c.reason() != null ? c.reason()
                    : c.type() == ColumnType.TEXT ? "free text" : c.role().name().toLowerCase(Locale.ROOT)));
        }
        for (Column c : schema.features()) {
            if (c.usableFeature()) {
                fit(c, data, train, leftOut).ifPresent(specs::add);
            }
        }
        if (specs.isEmpty()) {
            throw new InvalidInputException("dataset '" + dataset.name() + "' has no usable feature columns: "
                    + "every feature was left out (" + leftOut + ")");
        }
        FittedPipeline pipeline = new FittedPipeline(PIPELINE_VERSION, task, target.name(), classes, specs,
                leftOut.stream().map(LeftOutColumn::column).toList(), schema.missingValues());

        Map<String, String> files = new TreeMap<>();
        files.put(Checkpoint.TRAIN, put(prefix + Checkpoint.TRAIN, matrix(pipeline, data, y, train)).sha256());
        files.put(Checkpoint.VALIDATION, put(prefix + Checkpoint.VALIDATION,
                matrix(pipeline, data, y, parts[RowSplitter.VALIDATION])).sha256());
        files.put(Checkpoint.TEST_ROWS, put(prefix + Checkpoint.TEST_ROWS, testRows(dataset, data.parts())).sha256());
        files.put(Checkpoint.PIPELINE, ArtifactIo.put(artifacts, prefix + Checkpoint.PIPELINE,
                Json.writePretty(pipeline)).sha256());
        files.put(Checkpoint.SCHEMA, ArtifactIo.put(artifacts, prefix + Checkpoint.SCHEMA, Json.write(schema)).sha256());
        files.put(Checkpoint.PROFILE, ArtifactIo.put(artifacts, prefix + Checkpoint.PROFILE,
                Json.writePretty(profile(pipeline, data, y, train))).sha256());
        FeatureSet features = new FeatureSet(dataset.name(), dataset.version(), dataset.sha256(), configSha, prefix,
                task, target.name(), classes, new FeatureSet.SplitRows(parts[RowSplitter.TRAIN].length,
                parts[RowSplitter.VALIDATION].length, parts[RowSplitter.TEST].length), split, files, leftOut, false, 0,
                warnings);
        ArtifactIo.put(artifacts, prefix + Checkpoint.MANIFEST, Json.writePretty(features));
        return features;
    }

    private static List<String> classes(Column target, ColumnStore.CodedColumn targetColumn, MlTask task) {
        TreeSet<String> distinct = new TreeSet<>(targetColumn.dictionary());
        distinct.remove("");
        List<String> classes = List.copyOf(distinct);
        if (classes.size() < 2) {
            throw new InvalidInputException("target '" + target.name() + "' has " + classes.size()
                    + " class(es): classification needs at least two");
        }
        if (task == MlTask.BINARY && classes.size() != 2) {
            throw new InvalidInputException("task 'binary' needs exactly two classes, target '" + target.name()
                    + "' has " + classes.size() + ": " + abbreviate(classes) + "; use task 'multiclass'");
        }
        return classes;
    }

    /**
     * Reads the dataset file once into columns, checked against its registered sha256: numeric and boolean
     * features as numbers, categorical features and the target dictionary-encoded, and each row's part.
     */
    private ColumnStore readColumns(DatasetVersion dataset, Column target, SplitSpec split) {
        Schema schema = dataset.schema();
        Set<String> numeric = new HashSet<>();
        Set<String> coded = new HashSet<>();
        coded.add(target.name());
        for (Column c : schema.features()) {
            switch (c.type()) {
                case NUMERIC, BOOLEAN -> numeric.add(c.name());
                case CATEGORICAL -> coded.add(c.name());
                case TEXT -> {
                    // not a feature: never read
                }
            }
        }
        RowSplitter splitter = RowSplitter.of(split, schema.names());
        try (InputStream in = DatasetFiles.open(artifacts, dataset, DatasetFiles.DATA)) {
            return ColumnStore.read(new InputStreamReader(in, StandardCharsets.UTF_8), schema.names(), numeric,
                    coded, dataset.rowCount(), splitter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + DatasetFiles.key(dataset, DatasetFiles.DATA), e);
        }
    }

    /** The rows of each part, in file order. */
    private static int[][] parts(byte[] partOfRow) {
        int[] sizes = new int[3];
        for (byte p : partOfRow) {
            sizes[p]++;
        }
        int[][] parts = {new int[sizes[0]], new int[sizes[1]], new int[sizes[2]]};
        int[] filled = new int[3];
        for (int r = 0; r < partOfRow.length; r++) {
            parts[partOfRow[r]][filled[partOfRow[r]]++] = r;
        }
        return parts;
    }

    private static void checkParts(int[][] parts, int rows, SplitSpec split) {
        for (int p = 0; p < 3; p++) {
            if (parts[p].length == 0) {
                throw new DataValidationException("the dataset has " + rows + " rows and none of them falls in the "
                        + RowSplitter.PART_NAMES.get(p) + " split (validation " + percent(split.validation())
                        + ", test " + percent(split.test()) + "): supply at least " + rowsNeeded(split)
                        + " rows");
            }
        }
    }

    /**
     * Every class must reach train, validation and test: a class absent from validation or test leaves early
     * stopping or the test metrics undefined for it.
     */
    private static void checkClassesInEveryPart(Column target, ColumnStore.CodedColumn column, byte[] partOfRow,
                                                SplitSpec split) {
        Map<String, long[]> counts = new TreeMap<>();
        int[] codes = column.codes();
        for (int r = 0; r < codes.length; r++) {
            String label = column.dictionary().get(codes[r]);
            if (!label.isEmpty()) {
                counts.computeIfAbsent(label, k -> new long[3])[partOfRow[r]]++;
            }
        }
        List<String> problems = new ArrayList<>();
        counts.forEach((label, c) -> {
            if (c[0] == 0 || c[1] == 0 || c[2] == 0) {
                long total = c[0] + c[1] + c[2];
                problems.add(String.format(Locale.ROOT, "'%s' has %d row%s: %d train, %d validation, %d test", label,
                        total, total == 1 ? "" : "s", c[0], c[1], c[2]));
            }
        });
        if (!problems.isEmpty()) {
            throw new DataValidationException("target '" + target.name() + "': a class is missing from a split, so "
                    + "the model could not be validated or tested on it: " + String.join("; ", problems)
                    + ". Rows are assigned by a stable hash of their identity (validation " + percent(split.validation())
                    + ", test " + percent(split.test()) + "): each class needs about " + rowsNeeded(split)
                    + " rows to reach every split; add rows of those classes or leave them out of the file");
        }
    }

    /** Rows that reach the smallest split with 99% probability. */
    static long rowsNeeded(SplitSpec split) {
        double p = Math.min(split.validation(), split.test());
        return (long) Math.ceil(Math.log(0.01) / Math.log(1 - p));
    }

    private static String percent(double share) {
        return Values.canonicalNumber(Math.round(share * 1000) / 10.0) + "%";
    }

    /** The regression target as numbers; fails on the first row (in file order) whose target is not a number. */
    private static double[] regressionTarget(Column target, ColumnStore.CodedColumn column) {
        double[] numberOfCode = new double[column.dictionary().size()];
        for (int code = 0; code < numberOfCode.length; code++) {
            Double d = Values.number(column.dictionary().get(code));
            numberOfCode[code] = d == null ? Double.NaN : d;
        }
        int[] codes = column.codes();
        double[] y = new double[codes.length];
        for (int r = 0; r < codes.length; r++) {
            y[r] = numberOfCode[codes[r]];
            if (Double.isNaN(y[r])) {
                throw new InvalidInputException("task 'regression' needs a numeric target, but '" + target.name()
                        + "' has the value '" + column.text(r) + "'");
            }
        }
        return y;
    }

    /** The fitted spec of a feature, or empty (and the reason in {@code leftOut}) when it cannot be used. */
    private static Optional<FeatureSpec> fit(Column c, ColumnStore data, int[] train, List<LeftOutColumn> leftOut) {
        if (c.type() == ColumnType.NUMERIC || c.type() == ColumnType.BOOLEAN) {
            double[] values = data.numeric(c.name()).values();
            double[] present = new double[train.length];
            int n = 0;
            boolean missing = false;
            for (int r : train) {
                double v = values[r];
                if (Double.isNaN(v)) {
                    missing = true;
                } else {
                    present[n++] = v;
                }
            }
            if (n == 0) {
                leftOut.add(new LeftOutColumn(c.name(), "no values in the training split"));
                return Optional.empty();
            }
            Arrays.sort(present, 0, n);
            double median = n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
            return Optional.of(new FeatureSpec(c.name(), FeatureSpec.Kind.NUMERIC, median, missing, List.of()));
        }
        Map<String, Integer> counts = new HashMap<>();
        ColumnStore.CodedColumn column = data.coded(c.name());
        int[] codeCounts = countCodes(column, train);
        for (int code = 0; code < codeCounts.length; code++) {
            if (codeCounts[code] > 0) {
                counts.merge(FittedPipeline.category(column.dictionary().get(code), Values.Missing.EMPTY_ONLY),
                        codeCounts[code], Integer::sum);
            }
        }
        List<String> categories = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        if (categories.size() > 0.5 * train.length && categories.size() > MAX_ONE_HOT) {
            leftOut.add(new LeftOutColumn(c.name(), "nearly unique (" + categories.size() + " distinct values in "
                    + train.length + " training rows): a category per row cannot generalise"));
            return Optional.empty();
        }
        FeatureSpec.Kind kind = categories.size() <= MAX_ONE_HOT ? FeatureSpec.Kind.ONE_HOT : FeatureSpec.Kind.ORDINAL;
        return Optional.of(new FeatureSpec(c.name(), kind, 0, false, categories));
    }

    /** How many of {@code rows} hold each code of the column. */
    private static int[] countCodes(ColumnStore.CodedColumn column, int[] rows) {
        int[] counts = new int[column.dictionary().size()];
        int[] codes = column.codes();
        for (int r : rows) {
            counts[codes[r]]++;
        }
        return counts;
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

    private static BaselineProfile profile(FittedPipeline pipeline, ColumnStore data, double[] y, int[] train) {
        Map<String, BaselineProfile.FeatureProfile> features = new LinkedHashMap<>();
        for (FeatureSpec spec : pipeline.features()) {
            if (spec.kind() == FeatureSpec.Kind.NUMERIC) {
                features.put(spec.name(), numericProfile(data.numeric(spec.name()).values(), train));
            } else {
                ColumnStore.CodedColumn column = data.coded(spec.name());
                BaselineProfile.CategoricalBuilder b = new BaselineProfile.CategoricalBuilder();
                int[] counts = countCodes(column, train);
                for (int code = 0; code < counts.length; code++) {
                    b.add(FittedPipeline.category(column.dictionary().get(code), Values.Missing.EMPTY_ONLY),
                            counts[code]);
                }
                features.put(spec.name(), b.build());
            }
        }
        BaselineProfile.FeatureProfile targetProfile;
        if (pipeline.task() == MlTask.REGRESSION) {
            targetProfile = numericProfile(y, train);
        } else {
            ColumnStore.CodedColumn column = data.coded(pipeline.target());
            BaselineProfile.CategoricalBuilder b = new BaselineProfile.CategoricalBuilder();
            int[] counts = countCodes(column, train);
            for (int code = 0; code < counts.length; code++) {
                b.add(column.dictionary().get(code), counts[code]);
            }
            targetProfile = b.build();
        }
        return new BaselineProfile(train.length, features, targetProfile, null);
    }

    /** Row order matters: the KLL sketch depends on the order of its updates. */
    private static BaselineProfile.FeatureProfile numericProfile(double[] values, int[] rows) {
        BaselineProfile.NumericBuilder b = new BaselineProfile.NumericBuilder();
        for (int r : rows) {
            b.add(values[r]);
        }
        return b.build();
    }

    static MlTask inferTask(Column target, Collection<String> values) {
        TreeSet<String> distinct = new TreeSet<>(values);
        distinct.remove("");
        if (target.type() == ColumnType.NUMERIC && distinct.size() > MAX_REGRESSION_CLASSES) {
            return MlTask.REGRESSION;
        }
        return distinct.size() == 2 ? MlTask.BINARY : MlTask.MULTICLASS;
    }

    /**
     * The test rows verbatim, every column, as {@code test.csv}: copied from a second streaming pass over the
     * dataset file (checked again), since the column store keeps only what fitting needs.
     */
    private ProducedInputStream testRows(DatasetVersion dataset, byte[] partOfRow) {
        InputStream in = DatasetFiles.open(artifacts, dataset, DatasetFiles.DATA);
        CSVParser parser;
        try {
            parser = WITH_HEADER.parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException("cannot read dataset " + DatasetFiles.key(dataset, DatasetFiles.DATA), e);
        }
        Iterator<CSVRecord> records = parser.iterator();
        return new ProducedInputStream(new ProducedInputStream.Producer() {
            private CSVPrinter printer;
            private int row;

            @Override
            public boolean writeNext(OutputStream out) throws IOException {
                if (printer == null) {
                    printer = new CSVPrinter(new OutputStreamWriter(out, StandardCharsets.UTF_8), CSV);
                    printer.printRecord(parser.getHeaderNames());
                }
                while (records.hasNext()) {
                    CSVRecord record = records.next();
                    if (partOfRow[row++] == RowSplitter.TEST) {
                        printer.printRecord((Object[]) record.values());
                        printer.flush();
                        return true;
                    }
                }
                printer.flush();
                return false;
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        });
    }

    /** Streams a produced artifact into the store and releases the producer. */
    private StoredArtifact put(String key, ProducedInputStream content) {
        try (content) {
            return artifacts.put(key, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + key, e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the read already failed; that error is the one reported
        }
    }

    /** Reads the raw test rows of a checkpoint, checked against its manifest. */
    public static Table readTestRows(ArtifactStore artifacts, FeatureSet features) {
        return Checkpoint.read(artifacts, features, Checkpoint.TEST_ROWS, in -> {
            CSVParser parser = WITH_HEADER.parse(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String[]> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                rows.add(record.values());
            }
            return new Table(List.copyOf(parser.getHeaderNames()), rows);
        });
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

        /** The rows at {@code indices}, in that order. */
        public Table select(int[] indices) {
            List<String[]> selected = new ArrayList<>(indices.length);
            for (int i : indices) {
                selected.add(rows.get(i));
            }
            return new Table(names, selected);
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
