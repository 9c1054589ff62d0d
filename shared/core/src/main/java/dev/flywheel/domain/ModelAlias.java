package dev.flywheel.domain;

import java.time.Instant;

/**
 * Where an alias of a model points now.
 *
 * @param revision how many times the alias has moved; the compare-and-set token for the next move
 */
public record ModelAlias(String model, String alias, int version, long revision, Instant updatedAt, String reason) {
    public static final String CHAMPION = "champion";
    public static final String CHALLENGER = "challenger";

    public ModelAlias {
        Require.name(model, "model name");
        Require.name(alias, "alias");
        Require.positive(version, "aliased version");
        Require.nonNegative(revision, "alias revision");
        Require.notNull(updatedAt, "alias updatedAt");
    }
}
