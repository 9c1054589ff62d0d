package dev.flywheel.domain;

/**
 * A set of rows named without copying them: how many, and the sha256 of their sorted identity hashes (each the
 * sha256 of a row's identity, as {@link SplitSpec} defines it), one lower-case hex hash per line.
 */
public record RowSet(long count, String sha256) {
    public RowSet {
        Require.nonNegative(count, "row count");
        Require.sha256(sha256, "row set sha256");
    }
}
