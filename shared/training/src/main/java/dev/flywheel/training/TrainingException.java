package dev.flywheel.training;

/** Training could not produce a model (the native library failed, the data cannot be learned from). */
public class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
