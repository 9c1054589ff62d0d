package dev.flywheel.training.ingest;

import dev.flywheel.training.steps.IngestRequest;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnRole;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.data.Values;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rules a request and a file must follow: the target, identifier, exclusion and missing-value tokens a user
 * names on a first ingest, the ones a dataset keeps in every later version, and the columns a model needs.
 */
final class SchemaRules {
    /** How to start over with other reading rules, in the words of both the CLI and the execution input. */
    private static final String ANOTHER_DATASET = "ingest the file under another dataset name (--dataset NAME, or "
            + "\"dataset\" in the execution input)";

    private SchemaRules() {
    }

    /** The missing-value tokens: the request's on a first ingest; the dataset's own on later ones. */
    static Values.Missing missingValues(IngestRequest request, Optional<DatasetVersion> previous) {
        if (previous.isEmpty()) {
            return Values.Missing.of(request.naValues());
        }
        List<String> kept = previous.get().schema().missingValues();
        Values.Missing requested = Values.Missing.of(request.naValues());
        if (!request.naValues().isEmpty() && !requested.equals(Values.Missing.of(kept))) {
            throw new InvalidInputException("dataset '" + previous.get().name() + "' reads " + describe(kept)
                    + " as missing since its first version, not " + requested.sorted()
                    + ": the same file must read the same way in every version; leave the missing-value tokens out "
                    + "to keep them, or " + ANOTHER_DATASET);
        }
        return Values.Missing.of(kept);
    }

    private static String describe(List<String> tokens) {
        return tokens.isEmpty() ? "only an empty field" : "an empty field and " + tokens;
    }

    /** A first ingest's target, exclusions and identifiers: columns of the file, and no column in two roles. */
    static void checkRequestedRoles(IngestRequest request, List<String> header) {
        String target = request.target();
        if (target == null || target.isBlank()) {
            throw new InvalidInputException("target is required on a dataset's first ingest: name the column to "
                    + "predict, one of " + header);
        }
        requireColumn(target, header, "target");
        for (String excluded : request.exclude()) {
            requireColumn(excluded, header, "excluded column");
            if (excluded.equals(target)) {
                throw new InvalidInputException("column '" + target + "' is the target: it cannot be excluded too");
            }
        }
        for (String id : request.id()) {
            requireColumn(id, header, "id column");
            if (id.equals(target) || request.exclude().contains(id)) {
                throw new InvalidInputException("column '" + id + "' cannot be both an id and "
                        + (id.equals(target) ? "the target" : "an excluded column"));
            }
        }
    }

    static void requireColumn(String column, List<String> header, String what) {
        if (!header.contains(column)) {
            throw new InvalidInputException(what + " '" + column + "' is not in the file; its columns are " + header);
        }
    }

    /**
     * A later version keeps the first one's schema: the same target, exclusions and identifiers, every column
     * still there with values of its type; a new column is ignored, with a warning.
     */
    static void enforce(Schema schema, IngestRequest request, ColumnProfile profile, List<String> warnings) {
        checkKeptRoles(schema, request);
        checkKeptColumns(schema, profile);
        for (String name : profile.header()) {
            if (schema.column(name).isEmpty()) {
                warnings.add("column '" + name + "' is new (not in the dataset's schema) and is ignored; "
                        + "to use it, " + ANOTHER_DATASET);
            }
        }
    }

    private static void checkKeptRoles(Schema schema, IngestRequest request) {
        String target = schema.target().map(Column::name).orElse(null);
        if (request.target() != null && !request.target().isBlank() && !request.target().equals(target)) {
            throw new InvalidInputException("the dataset predicts '" + target + "' since its first version, not '"
                    + request.target() + "': a dataset keeps its target; " + ANOTHER_DATASET);
        }
        List<String> excluded = schema.columns().stream().filter(c -> c.role() == ColumnRole.EXCLUDED)
                .map(Column::name).sorted().toList();
        if (!request.exclude().isEmpty() && !request.exclude().stream().sorted().distinct().toList().equals(excluded)) {
            throw new InvalidInputException("the dataset excludes " + excluded + " since its first version, not "
                    + request.exclude().stream().sorted().distinct().toList() + ": a dataset keeps its columns' roles; "
                    + "leave the exclusions out to keep them, or " + ANOTHER_DATASET);
        }
        if (!request.id().isEmpty() && !request.id().equals(schema.identity())) {
            throw new InvalidInputException("the dataset's rows are identified by " + (schema.identity().isEmpty()
                    ? "their content" : schema.identity()) + " since its first version, not " + request.id()
                    + ": a row's identity decides its side of the split and cannot change; leave the ids out, or "
                    + ANOTHER_DATASET);
        }
    }

    private static void checkKeptColumns(Schema schema, ColumnProfile profile) {
        for (Column c : schema.columns()) {
            if (!profile.header().contains(c.name())) {
                throw new InvalidInputException("column '" + c.name() + "' of the dataset's schema is missing from "
                        + "the file; the file has " + profile.header());
            }
            ColumnStats s = profile.stats().get(c.name());
            if (s.nonMissing == 0) {
                continue;
            }
            boolean changed = switch (c.type()) {
                case NUMERIC -> s.numeric * 2 < s.nonMissing;
                case BOOLEAN -> s.bool * 2 < s.nonMissing;
                default -> false;
            };
            if (changed) {
                throw new InvalidInputException("column '" + c.name() + "' was " + c.type() + " in earlier versions "
                        + "but now holds " + s.inferType() + " values (like '" + s.example + "'): changing a "
                        + "column's type needs a new dataset: " + ANOTHER_DATASET);
            }
        }
    }

    /** The target has values that vary, and every feature has values; a feature mostly missing is warned about. */
    static void checkColumns(Schema schema, Map<String, ColumnStats> stats, List<String> warnings) {
        Column target = schema.target().orElseThrow(() -> new InvalidInputException(
                "the schema has no target column: set \"target\""));
        ColumnStats t = stats.get(target.name());
        if (t.nonMissing == 0) {
            throw new InvalidInputException("target column '" + target.name() + "' has no values: fill it in");
        }
        if (t.distinct.size() == 1) {
            throw new InvalidInputException(target.type() == ColumnType.NUMERIC
                    ? "target column '" + target.name() + "' is constant (every row is " + t.example
                    + "): a model cannot learn from it; supply data where the target varies"
                    : "target column '" + target.name() + "' has a single class '" + t.example
                    + "': classification needs at least two classes; add rows of the other classes");
        }
        for (Column c : schema.features()) {
            ColumnStats s = stats.get(c.name());
            if (s.nonMissing == 0) {
                throw new InvalidInputException("feature column '" + c.name() + "' has no values in any row: "
                        + "drop it from the file or list it in \"exclude\"");
            }
            double missingRate = 1.0 - (double) s.nonMissing / s.count;
            if (missingRate > 0.5) {
                warnings.add(String.format(Locale.ROOT, "column '%s' is missing in %.0f%% of rows", c.name(),
                        100 * missingRate));
            }
        }
    }
}
