package dev.flywheel.training.steps;

import dev.flywheel.domain.Schema;

import java.util.List;

/**
 * @param source            file:///abs/path.csv, or an s3:// URI inside the artifact store
 * @param format            "csv" or "jsonl"; by default from the source's extension
 * @param target            the target column (required on a dataset's first ingest unless the schema names one)
 * @param exclude           columns kept in the data but never used as features
 * @param id                columns that identify a row (never features; they decide the row's side of the split);
 *                          set on the first ingest, kept by later ones
 * @param naValues          tokens read as missing besides an empty field (like {@code NA}, {@code ?}); set on the
 *                          first ingest, kept by later ones
 * @param schema            a declared schema, used instead of inference on the first ingest
 * @param maxBadRowFraction the share of rows that may be quarantined before the ingest fails (default 0.05)
 */
public record IngestRequest(String dataset, String source, String format, String target, List<String> exclude,
                            List<String> id, List<String> naValues, Schema schema, Double maxBadRowFraction) {
    public IngestRequest {
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        id = id == null ? List.of() : List.copyOf(id);
        naValues = naValues == null ? List.of() : List.copyOf(naValues);
    }

    public static IngestRequest of(String dataset, String source, String target) {
        return new IngestRequest(dataset, source, null, target, List.of(), List.of(), List.of(), null, null);
    }
}
