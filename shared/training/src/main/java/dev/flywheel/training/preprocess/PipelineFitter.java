package dev.flywheel.training.preprocess;

import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.training.steps.LeftOutColumn;
import dev.flywheel.domain.MlTask;
import dev.flywheel.data.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Fits the feature pipeline on the training split only: medians, category lists, and the columns left out. */
final class PipelineFitter {
    /** Version of the feature logic: changing how features are built must change the checkpoint key. */
    static final int PIPELINE_VERSION = 2;
    static final int MAX_ONE_HOT = 20;

    private PipelineFitter() {
    }

    /** The fitted pipeline, and every column the model does not use with the reason. */
    record Fitted(FittedPipeline pipeline, List<LeftOutColumn> leftOut) {
    }

    static Fitted fit(DatasetVersion dataset, Column target, MlTask task, List<String> classes, ColumnStore data,
                      int[] train) {
        Schema schema = dataset.schema();
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
        return new Fitted(pipeline, leftOut);
    }

    /** The fitted spec of a feature, or empty (and the reason in {@code leftOut}) when it cannot be used. */
    private static Optional<FeatureSpec> fit(Column c, ColumnStore data, int[] train, List<LeftOutColumn> leftOut) {
        if (c.type() == ColumnType.NUMERIC || c.type() == ColumnType.BOOLEAN) {
            return fitNumeric(c, data.numeric(c.name()).values(), train, leftOut);
        }
        return fitCategorical(c, data.coded(c.name()), train, leftOut);
    }

    private static Optional<FeatureSpec> fitNumeric(Column c, double[] values, int[] train,
                                                    List<LeftOutColumn> leftOut) {
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

    private static Optional<FeatureSpec> fitCategorical(Column c, ColumnStore.CodedColumn column, int[] train,
                                                        List<LeftOutColumn> leftOut) {
        Map<String, Integer> counts = new HashMap<>();
        int[] codeCounts = column.countCodes(train);
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
}
