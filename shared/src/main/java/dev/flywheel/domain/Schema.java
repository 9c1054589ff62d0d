package dev.flywheel.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The ordered columns of a dataset; column names are unique and there is at most one target. */
public record Schema(List<Column> columns) {
    public Schema {
        Require.notEmpty(columns, "schema columns");
        columns = List.copyOf(columns);
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

    @JsonIgnore
    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }
}
