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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fits the feature pipeline on the training split and writes a checkpoint keyed by (dataset sha256, pipeline
 * config sha256): {@code pipeline.json}, {@code schema.json}, {@code train.bin}/{@code validation.bin}/
 * {@code test.bin} ({@link MatrixFile}), {@code test.csv} (the raw test rows, to score any model on them),
 * {@code profile.json}, and last {@code manifest.json}. A checkpoint with a manifest is complete and is reused.
 *
 * <p>Memory: the dataset is read once into a {@link ColumnStore} (about 8 bytes per numeric cell, 4 per
 * categorical cell), and split, fitting, profile and matrices all work from those arrays; the matrices and
 * {@code test.csv} are streamed into the store row by row. The outputs are byte for byte those of the former
 * row-of-strings implementation (same split, pipeline, matrices and profile).
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
            String key = artifacts.keyOf(dataset.artifactUri());
            ColumnStore data = readColumns(key, schema, target, dataset.rowCount());
            ColumnStore.CodedColumn targetColumn = data.coded(target.name());
            MlTask task = request.task() != null ? request.task() : inferTask(target, targetColumn.dictionary());
            FeatureSet built = build(dataset, schema, target, key, data, task, split, configSha, prefix);
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("checkpoint written [prefix={}, durationMillis={}]", prefix, millis);
            return new PreprocessResult(built.withRun(false, millis));
        }
    }

    private FeatureSet build(DatasetVersion dataset, Schema schema, Column target, String key, ColumnStore data,
                             MlTask task, PreprocessRequest.SplitConfig split, String configSha, String prefix) {
        List<String> warnings = new ArrayList<>();
        ColumnStore.CodedColumn targetColumn = data.coded(target.name());
        List<String> classes = List.of();
        double[] y = null;
        if (task.isClassification()) {
            TreeSet<String> distinct = new TreeSet<>(targetColumn.dictionary());
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
            y = regressionTarget(target, targetColumn);
        }
        int[][] parts = task.isClassification() ? split(targetColumn, split) : split(y, split);
        int[] train = parts[0];

        // Fit on the training split only.
        List<FeatureSpec> specs = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (Column c : schema.features()) {
            FeatureSpec spec = fit(c, data, train, excluded, warnings);
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
            put(prefix + names[p] + ".bin", matrix(pipeline, data, y, parts[p]));
        }
        put(prefix + "test.csv", rawRows(key, data.rows(), parts[2]));
        ArtifactIo.put(artifacts, prefix + "pipeline.json", Json.writePretty(pipeline));
        ArtifactIo.put(artifacts, prefix + "schema.json", Json.write(schema));
        ArtifactIo.put(artifacts, prefix + "profile.json", Json.writePretty(profile(pipeline, data, y, train)));
        FeatureSet features = new FeatureSet(dataset.name(), dataset.version(), dataset.sha256(), configSha, prefix,
                task, target.name(), classes, new FeatureSet.SplitRows(parts[0].length, parts[1].length,
                parts[2].length), false, 0, warnings);
        ArtifactIo.put(artifacts, prefix + "manifest.json", Json.writePretty(features));
        return features;
    }

    /**
     * Reads the dataset file once into columns: numeric and boolean features as numbers, categorical features
     * and the target dictionary-encoded. Free-text features, IDs and excluded columns are not kept.
     */
    private ColumnStore readColumns(String key, Schema schema, Column target, long rowCount) {
        Set<String> numeric = new HashSet<>();
        Set<String> coded = new HashSet<>();
        coded.add(target.name());
        for (Column c : schema.features()) {
            switch (c.type()) {
                case NUMERIC, BOOLEAN -> numeric.add(c.name());
                case CATEGORICAL -> coded.add(c.name());
                case TEXT -> {
                    // not a feature (see fit): never read
                }
            }
        }
        try (InputStream in = artifacts.get(key)) {
            return ColumnStore.read(new InputStreamReader(in, StandardCharsets.UTF_8), schema.names(), numeric,
                    coded, rowCount);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + key, e);
        }
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

    private static FeatureSpec fit(Column c, ColumnStore data, int[] train, List<String> excluded,
                                   List<String> warnings) {
        if (c.type() == ColumnType.TEXT) {
            excluded.add(c.name());
            warnings.add("column '" + c.name() + "' is free text / high-cardinality and is not used as a feature");
            return null;
        }
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
                excluded.add(c.name());
                warnings.add("column '" + c.name() + "' has no values in the training split and is not used");
                return null;
            }
            Arrays.sort(present, 0, n);
            double median = n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
            return new FeatureSpec(c.name(), FeatureSpec.Kind.NUMERIC, median, missing, List.of());
        }
        Map<String, Integer> counts = new HashMap<>();
        ColumnStore.CodedColumn column = data.coded(c.name());
        int[] codeCounts = countCodes(column, train);
        for (int code = 0; code < codeCounts.length; code++) {
            if (codeCounts[code] > 0) {
                counts.merge(FittedPipeline.category(column.dictionary().get(code)), codeCounts[code], Integer::sum);
            }
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
                    b.add(FittedPipeline.category(column.dictionary().get(code)), counts[code]);
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

    /** Seeded stratified split by class: one stratum per target text, in text order; rows in file order. */
    static int[][] split(ColumnStore.CodedColumn target, PreprocessRequest.SplitConfig split) {
        List<String> dictionary = target.dictionary();
        Integer[] byText = new Integer[dictionary.size()];
        for (int code = 0; code < byText.length; code++) {
            byText[code] = code;
        }
        Arrays.sort(byText, Comparator.comparing(dictionary::get));
        int[] stratumOfCode = new int[byText.length];
        for (int s = 0; s < byText.length; s++) {
            stratumOfCode[byText[s]] = s;
        }
        int[] codes = target.codes();
        int[] rowOrder = new int[codes.length];
        int[] stratumAt = new int[codes.length];
        for (int r = 0; r < codes.length; r++) {
            rowOrder[r] = r;
            stratumAt[r] = stratumOfCode[codes[r]];
        }
        return assign(group(rowOrder, stratumAt, byText.length), codes.length, split);
    }

    /**
     * Seeded stratified split by target decile: rows sorted by target (ties in file order), the sorted sequence
     * cut into at most 10 bins of equal size; each bin keeps the sorted order.
     */
    static int[][] split(double[] y, PreprocessRequest.SplitConfig split) {
        int n = y.length;
        int[] sortedRows = sortedByValue(y);
        int bins = Math.max(1, Math.min(10, n / 20));
        int[] stratumAt = new int[n];
        for (int k = 0; k < n; k++) {
            stratumAt[k] = (int) ((long) k * bins / n);
        }
        return assign(group(sortedRows, stratumAt, bins), n, split);
    }

    /** Row indices sorted by {@code y} ({@link Double#compare} order), equal values in row order. */
    private static int[] sortedByValue(double[] y) {
        double[] sorted = y.clone();
        Arrays.sort(sorted);
        // Rows with the same value go to consecutive slots starting at the value's first position in `sorted`.
        int[] used = new int[y.length];
        int[] rows = new int[y.length];
        for (int r = 0; r < y.length; r++) {
            int first = firstIndexOf(sorted, y[r]);
            rows[first + used[first]++] = r;
        }
        return rows;
    }

    private static int firstIndexOf(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Double.compare(sorted[mid], value) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The members of each stratum: {@code order[k]} joins stratum {@code stratumAt[k]}, in the order of k. */
    private static int[][] group(int[] order, int[] stratumAt, int strata) {
        int[] sizes = new int[strata];
        for (int s : stratumAt) {
            sizes[s]++;
        }
        int[][] members = new int[strata][];
        for (int s = 0; s < strata; s++) {
            members[s] = new int[sizes[s]];
        }
        int[] filled = new int[strata];
        for (int k = 0; k < order.length; k++) {
            int s = stratumAt[k];
            members[s][filled[s]++] = order[k];
        }
        return members;
    }

    /**
     * Shuffles each stratum with one seeded {@link Random} (the same swaps as {@code Collections.shuffle}, so the
     * assignment is unchanged from earlier versions), then gives its first rows to test, the next to validation and
     * the rest to train. Returns train, validation and test row indices, each sorted.
     */
    private static int[][] assign(int[][] strata, int rows, PreprocessRequest.SplitConfig split) {
        final byte train = 0;
        final byte validation = 1;
        final byte test = 2;
        byte[] part = new byte[rows];
        int[] sizes = new int[3];
        Random random = new Random(split.seed());
        for (int[] stratum : strata) {
            for (int i = stratum.length; i > 1; i--) {
                int j = random.nextInt(i);
                int swap = stratum[i - 1];
                stratum[i - 1] = stratum[j];
                stratum[j] = swap;
            }
            int n = stratum.length;
            int nTest = (int) Math.round(n * split.test());
            int nValidation = (int) Math.round(n * split.validation());
            if (n >= 3) {
                nTest = Math.max(1, nTest);
                nValidation = Math.max(1, nValidation);
            }
            for (int k = 0; k < n; k++) {
                byte p = k < nTest ? test : k < nTest + nValidation ? validation : train;
                part[stratum[k]] = p;
                sizes[p]++;
            }
        }
        if (sizes[train] == 0 || sizes[validation] == 0 || sizes[test] == 0) {
            throw new InvalidInputException("the dataset has " + rows + " rows: too few to split into train, "
                    + "validation and test; supply at least 20 rows");
        }
        int[][] parts = {new int[sizes[train]], new int[sizes[validation]], new int[sizes[test]]};
        int[] filled = new int[3];
        for (int r = 0; r < rows; r++) {
            parts[part[r]][filled[part[r]]++] = r;
        }
        return parts;
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
     * dataset file (the column store keeps only what fitting needs, and numbers as parsed).
     */
    private ProducedInputStream rawRows(String key, int rowCount, int[] rows) {
        boolean[] wanted = new boolean[rowCount];
        for (int r : rows) {
            wanted[r] = true;
        }
        InputStream in = artifacts.get(key);
        CSVParser parser;
        try {
            parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException("cannot read dataset " + key, e);
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
                    if (wanted[row++]) {
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
    private void put(String key, ProducedInputStream content) {
        try (content) {
            artifacts.put(key, content);
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
