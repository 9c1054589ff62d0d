package dev.flywheel.store;

/** The metadata store itself failed (I/O, locking, the service): not the caller's fault. */
public class MetadataStoreException extends RuntimeException {
    public MetadataStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
