package dev.flywheel.store;

/**
 * The artifact store itself failed (the service answered with an error, or could not be reached): not the caller's
 * fault and often transient, so the state machine retries steps that fail with it.
 */
public class ArtifactStoreException extends RuntimeException {
    public ArtifactStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
