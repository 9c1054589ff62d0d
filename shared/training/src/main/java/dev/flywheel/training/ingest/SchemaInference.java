package dev.flywheel.training.ingest;

import dev.flywheel.training.steps.IngestRequest;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnRole;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.data.Values;

import java.util.ArrayList;
import java.util.List;

/** The schema of a dataset's first version: inferred from the profile, or declared in the request. */
final class SchemaInference {
    private SchemaInference() {
    }

    /** Each column's type from its values, its role from the request or, for an identifier, strong evidence. */
    static Schema infer(IngestRequest request, ColumnProfile profile, Values.Missing missing, List<String> warnings) {
        SchemaRules.checkRequestedRoles(request, profile.header());
        List<Column> columns = new ArrayList<>();
        for (String name : profile.header()) {
            columns.add(inferColumn(request, name, profile.stats().get(name), warnings));
        }
        return new Schema(columns, missing.sorted(), request.id());
    }

    private static Column inferColumn(IngestRequest request, String name, ColumnStats s, List<String> warnings) {
        ColumnType type = s.inferType();
        ColumnRole role = ColumnRole.FEATURE;
        String reason = null;
        if (name.equals(request.target())) {
            role = ColumnRole.TARGET;
            if (type == ColumnType.TEXT || type == ColumnType.BOOLEAN) {
                type = ColumnType.CATEGORICAL;
            }
        } else if (request.id().contains(name)) {
            role = ColumnRole.ID;
            reason = "identifier named by the user (id)";
        } else if (request.exclude().contains(name)) {
            role = ColumnRole.EXCLUDED;
            reason = "excluded by the user (exclude)";
        } else if (request.id().isEmpty() && s.looksLikeId(name)) {
            role = ColumnRole.ID;
            reason = "identifier: its name is an identifier's and all " + s.nonMissing + " values are distinct "
                    + (s.integer == s.nonMissing ? "integers" : "texts");
            warnings.add("column '" + name + "' is taken as an identifier (" + reason.substring(12)
                    + "): not a feature; name the identifiers yourself with id to decide otherwise");
        } else if (type == ColumnType.TEXT) {
            reason = "free text: " + s.distinct.size() + (s.distinctOverflow ? "+" : "") + " distinct values in "
                    + s.nonMissing + " rows";
        }
        return new Column(name, type, role, role != ColumnRole.TARGET, reason);
    }

    /** The declared schema, with the roles the request names (target, id, exclude) put over its own. */
    static Schema declared(IngestRequest request, List<String> header, Values.Missing missing) {
        List<Column> columns = new ArrayList<>();
        for (Column c : request.schema().columns()) {
            SchemaRules.requireColumn(c.name(), header, "schema column");
            columns.add(declaredColumn(request, c));
        }
        List<String> identity = !request.id().isEmpty() ? request.id() : request.schema().identity();
        List<String> tokens = !request.naValues().isEmpty() ? missing.sorted() : request.schema().missingValues();
        try {
            Schema schema = new Schema(columns, tokens, identity);
            if (schema.target().isEmpty()) {
                throw new InvalidInputException("the declared schema has no TARGET column and the request names "
                        + "none: set \"target\"");
            }
            return schema;
        } catch (InvalidRecordException e) {
            throw new InvalidInputException("the declared schema is invalid: " + e.getMessage(), e);
        }
    }

    private static Column declaredColumn(IngestRequest request, Column c) {
        ColumnRole role = c.role();
        String reason = c.reason();
        if (request.target() != null && c.name().equals(request.target())) {
            role = ColumnRole.TARGET;
        } else if (request.id().contains(c.name())) {
            role = ColumnRole.ID;
            reason = "identifier named by the user (id)";
        } else if (request.exclude().contains(c.name())) {
            role = ColumnRole.EXCLUDED;
            reason = "excluded by the user (exclude)";
        } else if (role == ColumnRole.TARGET && request.target() != null) {
            role = ColumnRole.FEATURE;
        }
        if (role == ColumnRole.ID && reason == null) {
            reason = "identifier declared in the schema";
        } else if (role == ColumnRole.EXCLUDED && reason == null) {
            reason = "excluded in the declared schema";
        }
        return c.withRole(role, reason);
    }
}
