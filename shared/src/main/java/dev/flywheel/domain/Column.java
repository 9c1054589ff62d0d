package dev.flywheel.domain;

/**
 * One column of a dataset schema.
 *
 * @param nullable whether missing values are allowed (the ingest step rejects a missing value otherwise)
 */
public record Column(String name, ColumnType type, ColumnRole role, boolean nullable) {
    public Column {
        Require.text(name, "column name");
        Require.notNull(type, "type of column '" + name + "'");
        Require.notNull(role, "role of column '" + name + "'");
    }

    public Column withRole(ColumnRole newRole) {
        return new Column(name, type, newRole, nullable);
    }
}
