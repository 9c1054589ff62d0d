package dev.flywheel.monitoring;

import dev.flywheel.data.Values;
import dev.flywheel.domain.MlTask;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.Prediction;
import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.statistics.CategoricalWindow;
import dev.flywheel.statistics.NumericWindow;
import dev.flywheel.statistics.PerformanceWindow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The current side of a drift comparison: every feature of one model version, its predictions and (where labels
 * came back) its performance, accumulated row by row in memory that does not grow with the rows, and mergeable:
 * the partitions of a window are profiled apart (a Map state's iterations) and merged.
 *
 * <p>Raw values are read as the model reads them: the dataset's missing-value tokens are missing, categories are
 * normalised as training normalised them ({@link FittedPipeline#category}).
 */
public final class WindowProfile {
    private final ModelBaseline baseline;
    private final Values.Missing missing;
    private final Map<String, NumericWindow> numeric = new LinkedHashMap<>();
    private final Map<String, CategoricalWindow> categorical = new LinkedHashMap<>();
    private final NumericWindow predictionValues;
    private final CategoricalWindow predictionLabels;
    private final PerformanceWindow performance;
    private long rows;
    private long predictions;
    private Instant first;
    private Instant last;

    public WindowProfile(ModelBaseline baseline) {
        this.baseline = baseline;
        FittedPipeline pipeline = baseline.pipeline();
        this.missing = pipeline.missing();
        for (FeatureSpec spec : pipeline.features()) {
            BaselineProfile.FeatureProfile profile = baseline.profile().features().get(spec.name());
            if (profile == null) {
                throw new IllegalStateException("the baseline profile of " + baseline.model() + " v"
                        + baseline.version().version() + " has no feature '" + spec.name() + "'");
            }
            if (ModelBaseline.numeric(spec)) {
                numeric.put(spec.name(), new NumericWindow(profile.bins()));
            } else {
                categorical.put(spec.name(), new CategoricalWindow(profile.frequencies()));
            }
        }
        BaselineProfile.FeatureProfile prediction = baseline.profile().prediction();
        boolean labels = pipeline.task() == MlTask.MULTICLASS;
        predictionValues = labels ? null : new NumericWindow(prediction == null || !prediction.numeric()
                ? new double[0] : prediction.bins());
        predictionLabels = labels ? new CategoricalWindow(prediction == null ? Map.of() : prediction.frequencies())
                : null;
        performance = new PerformanceWindow(switch (pipeline.task()) {
            case BINARY -> PerformanceWindow.Kind.BINARY;
            case MULTICLASS -> PerformanceWindow.Kind.MULTICLASS;
            case REGRESSION -> PerformanceWindow.Kind.REGRESSION;
        });
    }

    /** Adds one served (or scored) instance: its inputs, and its prediction when it came from this version. */
    public void add(Map<String, ?> features, Instant at) {
        rows++;
        if (at != null) {
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
        }
        for (Map.Entry<String, NumericWindow> e : numeric.entrySet()) {
            e.getValue().add(FittedPipeline.numeric(features.get(e.getKey()), missing));
        }
        for (Map.Entry<String, CategoricalWindow> e : categorical.entrySet()) {
            e.getValue().add(FittedPipeline.category(features.get(e.getKey()), missing));
        }
    }

    /** Adds a prediction of the baseline's version. */
    public void addPrediction(Prediction prediction) {
        predictions++;
        if (predictionLabels != null) {
            predictionLabels.add(prediction.label());
        } else {
            predictionValues.add(score(prediction));
        }
    }

    /**
     * Adds a prediction with its true outcome (feedback): {@code label} for classification, {@code value} for
     * regression. Outcomes that are not one of the model's classes (or not a number) are left out.
     */
    public boolean addOutcome(Prediction prediction, String label, Double value) {
        FittedPipeline pipeline = baseline.pipeline();
        switch (pipeline.task()) {
            case REGRESSION -> {
                if (value == null || prediction.value() == null || !Double.isFinite(value)) {
                    return false;
                }
                performance.addValue(prediction.value(), value);
            }
            case BINARY -> {
                float index = pipeline.label(label);
                if (Float.isNaN(index) || prediction.probabilities() == null) {
                    return false;
                }
                String truth = pipeline.classes().get((int) index);
                performance.addBinary(score(prediction), index == 1, truth.equals(prediction.label()));
            }
            case MULTICLASS -> {
                float index = pipeline.label(label);
                if (Float.isNaN(index)) {
                    return false;
                }
                performance.addLabel(pipeline.classes().get((int) index).equals(prediction.label()));
            }
        }
        return true;
    }

    /** The number a prediction is profiled by: the positive class's probability (binary), or the value. */
    private double score(Prediction prediction) {
        if (baseline.pipeline().task() == MlTask.REGRESSION) {
            return prediction.value() == null ? Double.NaN : prediction.value();
        }
        if (prediction.probabilities() == null) {
            return Double.NaN;
        }
        Double p = prediction.probabilities().get(baseline.pipeline().classes().get(1));
        return p == null ? Double.NaN : p;
    }

    public void merge(WindowProfile other) {
        rows += other.rows;
        predictions += other.predictions;
        numeric.forEach((name, w) -> w.merge(other.numeric.get(name)));
        categorical.forEach((name, w) -> w.merge(other.categorical.get(name)));
        if (predictionValues != null) {
            predictionValues.merge(other.predictionValues);
        } else {
            predictionLabels.merge(other.predictionLabels);
        }
        performance.merge(other.performance);
        if (other.first != null) {
            first = first == null || other.first.isBefore(first) ? other.first : first;
            last = last == null || other.last.isAfter(last) ? other.last : last;
        }
    }

    public ModelBaseline baseline() {
        return baseline;
    }

    public long rows() {
        return rows;
    }

    public long predictions() {
        return predictions;
    }

    public Map<String, NumericWindow> numeric() {
        return numeric;
    }

    public Map<String, CategoricalWindow> categorical() {
        return categorical;
    }

    /** Predicted values (binary: positive-class probabilities; regression), or null for multiclass. */
    public NumericWindow predictionValues() {
        return predictionValues;
    }

    /** Predicted labels (multiclass), or null. */
    public CategoricalWindow predictionLabels() {
        return predictionLabels;
    }

    public PerformanceWindow performance() {
        return performance;
    }

    public State state() {
        Map<String, NumericWindow.State> n = new LinkedHashMap<>();
        numeric.forEach((k, v) -> n.put(k, v.state()));
        Map<String, CategoricalWindow.State> c = new LinkedHashMap<>();
        categorical.forEach((k, v) -> c.put(k, v.state()));
        return new State(baseline.model(), baseline.version().version(), rows, predictions, first, last, n, c,
                predictionValues == null ? null : predictionValues.state(),
                predictionLabels == null ? null : predictionLabels.state(), performance.state());
    }

    /** A partial window written by one iteration, read back against the same baseline. */
    public static WindowProfile of(ModelBaseline baseline, State state) {
        if (!state.model().equals(baseline.model()) || state.version() != baseline.version().version()) {
            throw new IllegalArgumentException("a partial window of " + state.model() + " v" + state.version()
                    + " cannot be read against the baseline of " + baseline.model() + " v"
                    + baseline.version().version());
        }
        WindowProfile w = new WindowProfile(baseline);
        w.rows = state.rows();
        w.predictions = state.predictions();
        w.first = state.first();
        w.last = state.last();
        w.numeric.replaceAll((name, empty) -> NumericWindow.of(baseline.profile().features().get(name).bins(),
                require(state.numeric().get(name), name)));
        w.categorical.replaceAll((name, empty) -> CategoricalWindow.of(
                baseline.profile().features().get(name).frequencies(), require(state.categorical().get(name), name)));
        BaselineProfile.FeatureProfile p = baseline.profile().prediction();
        if (w.predictionValues != null && state.predictionValues() != null) {
            w.predictionValues.merge(NumericWindow.of(p == null || !p.numeric() ? new double[0] : p.bins(),
                    state.predictionValues()));
        } else if (w.predictionLabels != null && state.predictionLabels() != null) {
            w.predictionLabels.merge(CategoricalWindow.of(p == null ? Map.of() : p.frequencies(),
                    state.predictionLabels()));
        }
        w.performance.merge(PerformanceWindow.of(state.performance()));
        return w;
    }

    private static <T> T require(T value, String feature) {
        if (value == null) {
            throw new IllegalArgumentException("a partial window has no feature '" + feature + "'");
        }
        return value;
    }

    public record State(String model, int version, long rows, long predictions, Instant first, Instant last,
                        Map<String, NumericWindow.State> numeric, Map<String, CategoricalWindow.State> categorical,
                        NumericWindow.State predictionValues, CategoricalWindow.State predictionLabels,
                        PerformanceWindow.State performance) {
    }
}
