package dev.flywheel.serving;

import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.StoredArtifact;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Small helpers over {@link ArtifactStore} for whole (small) objects. */
public final class ArtifactIo {
    private ArtifactIo() {
    }

    public static byte[] bytes(ArtifactStore store, String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact '" + key + "'", e);
        }
    }

    public static String text(ArtifactStore store, String key) {
        return new String(bytes(store, key), StandardCharsets.UTF_8);
    }

    public static StoredArtifact put(ArtifactStore store, String key, byte[] bytes) {
        return store.put(key, new ByteArrayInputStream(bytes));
    }

    public static StoredArtifact put(ArtifactStore store, String key, String text) {
        return put(store, key, text.getBytes(StandardCharsets.UTF_8));
    }
}
