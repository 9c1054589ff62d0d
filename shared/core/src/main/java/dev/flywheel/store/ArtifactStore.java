package dev.flywheel.store;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where artifacts live: datasets, feature checkpoints, model packages, captures, reports.
 *
 * <p>Keys are '/'-separated relative paths ({@code datasets/credit-g/<sha256>/data.jsonl}). Every write is
 * atomic: a reader sees the whole object or none, and a crash in the middle of a write leaves no object.
 * Implementations are thread-safe.
 */
public interface ArtifactStore {

    /**
     * Writes (or replaces) the object at {@code key}, streaming {@code content} without holding it in memory.
     *
     * @return the sha256 and size of what was stored
     */
    StoredArtifact put(String key, InputStream content);

    /**
     * Writes {@code content} under {@code prefix + sha256 + suffix}, where sha256 is the content's own hash.
     * Putting the same content twice is idempotent: the second put finds the object and writes nothing.
     */
    StoredArtifact putContentAddressed(String prefix, String suffix, InputStream content);

    /**
     * Streams the object. The caller closes the stream.
     *
     * @throws ArtifactNotFoundException when there is no object at {@code key}
     */
    InputStream get(String key);

    boolean exists(String key);

    /** Size and sha256 of an object, if it exists. */
    Optional<StoredArtifact> stat(String key);

    /** Keys that start with {@code prefix}, sorted. */
    List<String> list(String prefix);

    /** Deletes the object; deleting a missing object is not an error. */
    void delete(String key);

    /** The URI a user or another system can use to find the object (file:///..., s3://bucket/...). */
    String uri(String key);

    /** Maps a URI produced by {@link #uri(String)} back to its key. */
    String keyOf(String uri);

    /**
     * Fails with a message that says what to do when the store cannot be used at all (a bucket that does not
     * exist, no credentials): for a command's first step, so that a missing store is said once, plainly.
     */
    default void checkAvailable() {
    }
}
