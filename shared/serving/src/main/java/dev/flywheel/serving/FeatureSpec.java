package dev.flywheel.serving;

import java.util.List;

/**
 * How one raw column becomes model inputs.
 *
 * @param kind             NUMERIC (value, median-imputed, plus a missing indicator when {@code missingIndicator}),
 *                         ONE_HOT (one input per category plus an "unseen" bucket) or ORDINAL (category index by
 *                         training frequency, unseen = number of categories)
 * @param median           the training median used for missing numeric values
 * @param categories       the training categories, most frequent first ("" stands for a missing value)
 */
public record FeatureSpec(String name, Kind kind, double median, boolean missingIndicator, List<String> categories) {
    public enum Kind { NUMERIC, ONE_HOT, ORDINAL }

    public FeatureSpec {
        categories = IndexedList.of(categories);
    }

    public int width() {
        return switch (kind) {
            case NUMERIC -> missingIndicator ? 2 : 1;
            case ONE_HOT -> categories.size() + 1;
            case ORDINAL -> 1;
        };
    }

    public List<String> outputNames() {
        return switch (kind) {
            case NUMERIC -> missingIndicator ? List.of(name, name + "__missing") : List.of(name);
            case ONE_HOT -> {
                List<String> names = new java.util.ArrayList<>();
                for (String c : categories) {
                    names.add(name + "=" + (c.isEmpty() ? "__missing" : c));
                }
                names.add(name + "=__unseen");
                yield names;
            }
            case ORDINAL -> List.of(name + "__ordinal");
        };
    }
}
