package dev.flywheel.domain;

/** The logical type of a tabular column, as inferred on first ingest and enforced afterwards. */
public enum ColumnType {
    /** Real or integer numbers. */
    NUMERIC,
    /** A small set of string labels. */
    CATEGORICAL,
    /** true/false. */
    BOOLEAN,
    /** Free text or identifiers: too many distinct values to be a category. */
    TEXT
}
