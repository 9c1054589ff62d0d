package dev.flywheel.domain;

import java.time.Instant;

/**
 * One move of an alias, kept forever: the history behind rollbacks and audits.
 *
 * @param fromVersion the version the alias pointed to before, or null for its first assignment
 * @param revision    the alias revision this move created (1 for the first assignment)
 * @param rollback    true when the move went back to an earlier version (so a second rollback goes further back
 *                    instead of undoing the first)
 */
public record AliasMove(String model, String alias, Integer fromVersion, int toVersion, long revision, Instant at,
                        String reason, boolean rollback) {
    public AliasMove {
        Require.name(model, "model name");
        Require.name(alias, "alias");
        Require.positive(toVersion, "alias target version");
        if (revision < 1) {
            throw new InvalidRecordException("alias move revision must be at least 1, got " + revision);
        }
        Require.notNull(at, "alias move time");
    }
}
