package dev.flywheel.serving;

import dev.flywheel.data.Values;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.flywheel.domain.MlTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The feature pipeline fitted on the training split: turns raw rows ({@code Map<String,Object>} or canonical
 * strings) into model inputs. Stored as {@code pipeline.json} in the checkpoint and in every model package, so
 * training and serving transform rows the same way.
 */
public record FittedPipeline(int formatVersion, MlTask task, String target, List<String> classes,
                             List<FeatureSpec> features, List<String> excluded, List<String> missingValues) {
    public FittedPipeline {
        classes = IndexedList.of(classes);
        features = List.copyOf(features);
        excluded = excluded == null ? List.of() : List.copyOf(excluded);
        missingValues = missingValues == null ? List.of() : List.copyOf(missingValues);
    }

    /** The dataset's missing-value tokens: a request value equal to one of them is missing, as in training. */
    @JsonIgnore
    public Values.Missing missing() {
        return Values.Missing.of(missingValues);
    }

    @JsonIgnore
    public int width() {
        int w = 0;
        for (FeatureSpec f : features) {
            w += f.width();
        }
        return w;
    }

    @JsonIgnore
    public List<String> outputNames() {
        List<String> flat = new ArrayList<>();
        features.forEach(f -> flat.addAll(f.outputNames()));
        return flat;
    }

    /** Writes the inputs of one raw row into {@code out} from {@code offset}; absent keys count as missing. */
    public void transform(Map<String, ?> row, float[] out, int offset) {
        transform(row, out, offset, missing());
    }

    private void transform(Map<String, ?> row, float[] out, int offset, Values.Missing missing) {
        int i = offset;
        for (FeatureSpec f : features) {
            Object raw = row.get(f.name());
            i = write(f, raw, out, i, missing);
        }
    }

    /** Transforms many rows into one row-major matrix (rows × {@link #width()}). */
    public float[] transform(List<? extends Map<String, ?>> rows) {
        int width = width();
        float[] out = new float[rows.size() * width];
        Values.Missing missing = missing();
        for (int r = 0; r < rows.size(); r++) {
            transform(rows.get(r), out, r * width, missing);
        }
        return out;
    }

    /** The label of a target value: class index for classification, the number for regression; NaN if invalid. */
    public float label(Object target) {
        String text = target == null ? null : target.toString().trim();
        if (task == MlTask.REGRESSION) {
            Double d = Values.number(text);
            return d == null ? Float.NaN : d.floatValue();
        }
        int index = classes.indexOf(canonicalClass(target));
        return index < 0 ? Float.NaN : index;
    }

    private static String canonicalClass(Object target) {
        if (target instanceof Number n) {
            return Values.canonicalNumber(n.doubleValue());
        }
        String text = target == null ? "" : target.toString().trim();
        Double d = Values.number(text);
        return d != null ? Values.canonicalNumber(d) : text;
    }

    private static int write(FeatureSpec f, Object raw, float[] out, int i, Values.Missing tokens) {
        switch (f.kind()) {
            case NUMERIC -> {
                double v = numeric(raw, tokens);
                boolean missing = Double.isNaN(v);
                out[i++] = (float) (missing ? f.median() : v);
                if (f.missingIndicator()) {
                    out[i++] = missing ? 1f : 0f;
                }
            }
            case ONE_HOT -> {
                String key = category(raw, tokens);
                int index = f.categories().indexOf(key);
                int n = f.categories().size();
                for (int k = 0; k <= n; k++) {
                    out[i + k] = 0f;
                }
                out[i + (index < 0 ? n : index)] = 1f;
                i += n + 1;
            }
            case ORDINAL -> {
                int index = f.categories().indexOf(category(raw, tokens));
                out[i++] = index < 0 ? f.categories().size() : index;
            }
        }
        return i;
    }

    /** A value as a number (booleans as 1/0), NaN when missing or not a number. */
    public static double numeric(Object raw, Values.Missing missing) {
        if (raw == null) {
            return Double.NaN;
        }
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : Double.NaN;
        }
        if (raw instanceof Boolean b) {
            return b ? 1 : 0;
        }
        String text = raw.toString();
        if (missing.test(text)) {
            return Double.NaN;
        }
        Double d = Values.number(text);
        if (d != null) {
            return d;
        }
        Boolean b = Values.bool(text);
        return b == null ? Double.NaN : (b ? 1 : 0);
    }

    /** A value as a category: its trimmed text, numbers in canonical form, "" when missing. */
    public static String category(Object raw, Values.Missing missing) {
        if (raw == null) {
            return "";
        }
        if (raw instanceof Number n) {
            return Values.canonicalNumber(n.doubleValue());
        }
        String text = raw.toString();
        return missing.test(text) ? "" : text.trim();
    }
}
