package dev.flywheel.domain;

/** What a column is for in training. */
public enum ColumnRole {
    FEATURE,
    TARGET,
    /** Identifies a row (kept for joins and feedback, never a feature). */
    ID,
    /** Kept in the data, never used by the model. */
    EXCLUDED
}
