package dev.flywheel.store;

/**
 * A conditional write lost: another writer changed the item first (or it exists, or it does not).
 * Nothing of the multi-item write happened; re-read and decide again.
 */
public class ConditionFailedException extends RuntimeException {
    public ConditionFailedException(String message) {
        super(message);
    }

    public ConditionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
