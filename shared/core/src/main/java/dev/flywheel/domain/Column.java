package dev.flywheel.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One column of a dataset schema.
 *
 * @param nullable whether missing values are allowed (the ingest step rejects a missing value otherwise)
 * @param reason   why the column has its role or type when it is not an ordinary feature (an identifier the user
 *                 named or one inferred from strong evidence, an excluded column, free text), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Column(String name, ColumnType type, ColumnRole role, boolean nullable, String reason) {
    public Column {
        Require.text(name, "column name");
        Require.notNull(type, "type of column '" + name + "'");
        Require.notNull(role, "role of column '" + name + "'");
    }

    public Column(String name, ColumnType type, ColumnRole role, boolean nullable) {
        this(name, type, role, nullable, null);
    }

    public Column withRole(ColumnRole newRole, String newReason) {
        return new Column(name, type, newRole, nullable, newReason);
    }

    /** Whether the model can use it: a feature that is not free text. */
    public boolean usableFeature() {
        return role == ColumnRole.FEATURE && type != ColumnType.TEXT;
    }
}
