package dev.flywheel.training.ingest;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The categories each categorical column had in a dataset's first version: later versions warn on values
 * outside them. Stored as {@code domains.json} beside the data, with its columns in name order so that the same
 * data gives the same bytes in every process (the file is content-checked, and restored by re-ingesting).
 */
public record ColumnDomains(Map<String, List<String>> categories) {
    public ColumnDomains {
        categories = categories == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(categories));
    }
}
