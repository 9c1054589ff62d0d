package dev.flywheel.training.preprocess;

import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;

import dev.flywheel.domain.MlTask;
import dev.flywheel.data.Values;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The baseline profile of the training split: every fitted feature and the target, as drift scoring needs. */
final class BaselineProfiler {
    private BaselineProfiler() {
    }

    static BaselineProfile profile(FittedPipeline pipeline, ColumnStore data, double[] y, int[] train) {
        Map<String, BaselineProfile.FeatureProfile> features = new LinkedHashMap<>();
        for (FeatureSpec spec : pipeline.features()) {
            if (spec.kind() == FeatureSpec.Kind.NUMERIC) {
                features.put(spec.name(), numericProfile(data.numeric(spec.name()).values(), train));
            } else {
                features.put(spec.name(), categoricalProfile(data.coded(spec.name()), train,
                        text -> FittedPipeline.category(text, Values.Missing.EMPTY_ONLY)));
            }
        }
        BaselineProfile.FeatureProfile targetProfile;
        if (pipeline.task() == MlTask.REGRESSION) {
            targetProfile = numericProfile(y, train);
        } else {
            targetProfile = categoricalProfile(data.coded(pipeline.target()), train, UnaryOperator.identity());
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

    /** The count of each code's value among {@code rows}, each value as {@code category} gives it. */
    private static BaselineProfile.FeatureProfile categoricalProfile(ColumnStore.CodedColumn column, int[] rows,
                                                                     UnaryOperator<String> category) {
        BaselineProfile.CategoricalBuilder b = new BaselineProfile.CategoricalBuilder();
        int[] counts = column.countCodes(rows);
        for (int code = 0; code < counts.length; code++) {
            b.add(category.apply(column.dictionary().get(code)), counts[code]);
        }
        return b.build();
    }
}
