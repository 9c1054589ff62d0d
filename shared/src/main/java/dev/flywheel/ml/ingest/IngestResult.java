package dev.flywheel.ml.ingest;

import dev.flywheel.domain.DatasetVersion;

import java.util.List;

/**
 * @param created        false when identical data was ingested before: the existing version, nothing written
 * @param quarantineUri  the JSON Lines file of rejected rows with reasons, or null when every row was accepted
 */
public record IngestResult(DatasetVersion dataset, boolean created, String quarantineUri, long quarantinedRows,
                           List<String> warnings) {
    public IngestResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
