package dev.flywheel.domain;

/**
 * The request or its input cannot be used as given: an empty file, a missing target, a wrong delimiter, a bad
 * field. The message always says what to fix. Nothing was written.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
