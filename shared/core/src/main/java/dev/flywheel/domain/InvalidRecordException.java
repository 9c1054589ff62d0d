package dev.flywheel.domain;

/** A domain record was built with values that break its invariants: a client error, fixed by the caller. */
public class InvalidRecordException extends IllegalArgumentException {
    public InvalidRecordException(String message) {
        super(message);
    }
}
