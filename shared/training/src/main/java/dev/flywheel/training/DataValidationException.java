package dev.flywheel.training;

/**
 * The data broke validation beyond what the request allows (for example more bad rows than
 * {@code maxBadRowFraction}). The message gives the counts and the first reasons; fix the data or raise the limit.
 */
public class DataValidationException extends RuntimeException {
    public DataValidationException(String message) {
        super(message);
    }
}
