package dev.flywheel.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ordered columns of a dataset; column names are unique and there is at most one target.
 *
 * @param missingValues the tokens besides an empty field that the dataset's files use for a missing value (like
 *                      {@code NA} or {@code ?}), as the user listed them; empty: only an empty field is missing
 * @param identity      the columns the user named as a row's identity ({@code --id}), which decide its side of every
 *                      model's split; empty: a row is identified by its whole canonical content
 */
public record Schema(List<Column> columns, List<String> missingValues, List<String> identity) {
    public Schema(List<Column> columns) {
        this(columns, List.of(), List.of());
    }

    public Schema {
        Require.notEmpty(columns, "schema columns");
        columns = List.copyOf(columns);
        missingValues = missingValues == null ? List.of() : List.copyOf(missingValues);
        identity = identity == null ? List.of() : List.copyOf(identity);
        Set<String> seen = new HashSet<>();
        int targets = 0;
        for (Column column : columns) {
            if (!seen.add(column.name())) {
                throw new InvalidRecordException("schema has the column '" + column.name()
                        + "' twice; column names must be unique");
            }
            if (column.role() == ColumnRole.TARGET) {
                targets++;
            }
        }
        if (targets > 1) {
            throw new InvalidRecordException("schema has " + targets + " target columns; at most one is allowed");
        }
        for (String name : identity) {
            if (!seen.contains(name)) {
                throw new InvalidRecordException("identity column '" + name + "' is not a column of the schema");
            }
        }
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    @JsonIgnore
    public Optional<Column> target() {
        return columns.stream().filter(c -> c.role() == ColumnRole.TARGET).findFirst();
    }

    @JsonIgnore
    public List<Column> features() {
        return columns.stream().filter(c -> c.role() == ColumnRole.FEATURE).toList();
    }

    /** Columns left out of the model's inputs by the schema itself (identifiers, excluded columns, free text). */
    @JsonIgnore
    public List<Column> leftOut() {
        return columns.stream().filter(c -> c.role() != ColumnRole.TARGET && !c.usableFeature()).toList();
    }

    @JsonIgnore
    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }
}
