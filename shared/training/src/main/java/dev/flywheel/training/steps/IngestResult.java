package dev.flywheel.training.steps;

import dev.flywheel.domain.DatasetVersion;

import java.util.List;

/**
 * @param created        false when identical data was ingested before: the existing version, nothing written
 * @param quarantineUri  the JSON Lines file of rejected rows with reasons, or null when every row was accepted
 * @param leftOut        the columns the schema keeps out of the model (identifiers, excluded, free text), with why
 */
public record IngestResult(DatasetVersion dataset, boolean created, String quarantineUri, long quarantinedRows,
                           List<LeftOutColumn> leftOut, List<String> warnings) {
    public IngestResult {
        leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
