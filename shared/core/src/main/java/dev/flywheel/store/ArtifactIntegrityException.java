package dev.flywheel.store;

/**
 * A stored artifact is not what was written: its sha256 differs from the one recorded when it was written, it is
 * missing from a set that lists it, or it cannot be parsed. Not transient: reading it again gives the same bytes.
 * The message names the artifact and what to do.
 */
public class ArtifactIntegrityException extends RuntimeException {
    public ArtifactIntegrityException(String message) {
        super(message);
    }

    public ArtifactIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
