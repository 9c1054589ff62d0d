package dev.flywheel.training.steps;

import java.util.List;
import java.util.Map;

/**
 * The categories each categorical column had in a dataset's first version: later versions warn on values
 * outside them. Stored as {@code domains.json} beside the data.
 */
public record ColumnDomains(Map<String, List<String>> categories) {
    public ColumnDomains {
        categories = categories == null ? Map.of() : Map.copyOf(categories);
    }
}
