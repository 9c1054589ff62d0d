package dev.flywheel.store;

/** No artifact at the key asked for. */
public class ArtifactNotFoundException extends RuntimeException {
    public ArtifactNotFoundException(String key) {
        super("no artifact at '" + key + "'");
    }
}
