package dev.flywheel.registry;

/**
 * An alias move lost a compare-and-set: the alias had moved since the caller read it. Nothing was changed;
 * read the alias again and decide whether the move still makes sense.
 */
public class AliasConflictException extends RuntimeException {
    public AliasConflictException(String message) {
        super(message);
    }
}
