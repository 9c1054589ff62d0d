package dev.flywheel.store;

/**
 * An object in the artifact store.
 *
 * @param sizeBytes length of the content in bytes
 * @param sha256    lower-case hex sha256 of the content
 */
public record StoredArtifact(String key, String uri, long sizeBytes, String sha256) {
}
