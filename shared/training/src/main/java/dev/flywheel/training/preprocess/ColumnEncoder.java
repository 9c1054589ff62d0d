package dev.flywheel.training.preprocess;

import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;

import dev.flywheel.data.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link FittedPipeline#transform(java.util.Map, float[], int)} over a {@link ColumnStore}: writes the same model
 * inputs for a stored row, without building the row as strings. Category lookups are resolved once per dictionary
 * entry rather than once per cell.
 */
final class ColumnEncoder {
    /** One fitted feature bound to its stored column. */
    private sealed interface Input permits Numeric, OneHot, Ordinal {
    }

    private record Numeric(double[] values, float median, boolean missingIndicator) implements Input {
    }

    /** @param indexOfCode category index of each dictionary code, -1 for a category not seen in training */
    private record OneHot(int[] codes, int[] indexOfCode, int categories) implements Input {
    }

    private record Ordinal(int[] codes, int[] indexOfCode, int categories) implements Input {
    }

    private final List<Input> inputs = new ArrayList<>();

    ColumnEncoder(FittedPipeline pipeline, ColumnStore data) {
        for (FeatureSpec f : pipeline.features()) {
            if (f.kind() == FeatureSpec.Kind.NUMERIC) {
                inputs.add(new Numeric(data.numeric(f.name()).values(), (float) f.median(), f.missingIndicator()));
                continue;
            }
            ColumnStore.CodedColumn column = data.coded(f.name());
            int[] indexOfCode = new int[column.dictionary().size()];
            for (int code = 0; code < indexOfCode.length; code++) {
                indexOfCode[code] = f.categories().indexOf(FittedPipeline.category(column.dictionary().get(code), Values.Missing.EMPTY_ONLY));
            }
            int n = f.categories().size();
            inputs.add(f.kind() == FeatureSpec.Kind.ONE_HOT
                    ? new OneHot(column.codes(), indexOfCode, n) : new Ordinal(column.codes(), indexOfCode, n));
        }
    }

    /** Writes the inputs of stored row {@code row} into {@code out} from index 0. */
    void encode(int row, float[] out) {
        int i = 0;
        for (Input input : inputs) {
            if (input instanceof Numeric f) {
                double v = f.values()[row];
                boolean missing = Double.isNaN(v);
                out[i++] = missing ? f.median() : (float) v;
                if (f.missingIndicator()) {
                    out[i++] = missing ? 1f : 0f;
                }
            } else if (input instanceof OneHot f) {
                int index = f.indexOfCode()[f.codes()[row]];
                int n = f.categories();
                for (int k = 0; k <= n; k++) {
                    out[i + k] = 0f;
                }
                out[i + (index < 0 ? n : index)] = 1f;
                i += n + 1;
            } else if (input instanceof Ordinal f) {
                int index = f.indexOfCode()[f.codes()[row]];
                out[i++] = index < 0 ? f.categories() : index;
            }
        }
    }
}
