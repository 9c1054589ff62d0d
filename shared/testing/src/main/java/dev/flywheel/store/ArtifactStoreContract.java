package dev.flywheel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.testing.Bytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link ArtifactStore} adapter must have. Each adapter's test extends this class.
 */
public abstract class ArtifactStoreContract {

    /** A fresh, empty store. */
    protected abstract ArtifactStore store();

    /** Size that makes the adapter use its large-object path (multipart upload, ...). */
    protected long largeObjectSize() {
        return 3L * 1024 * 1024;
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void put_returnsSha256AndSizeAndGetStreamsItBack() throws IOException {
        ArtifactStore store = store();
        StoredArtifact stored = store.put("a/b/hello.txt", text("hello"));
        assertThat(stored.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(stored.sizeBytes()).isEqualTo(5);
        assertThat(read(store.get("a/b/hello.txt"))).isEqualTo("hello");
        assertThat(store.exists("a/b/hello.txt")).isTrue();
        assertThat(store.stat("a/b/hello.txt")).contains(stored);
    }

    @Test
    void put_replacesAnExistingObject() throws IOException {
        ArtifactStore store = store();
        store.put("k.txt", text("one"));
        store.put("k.txt", text("two"));
        assertThat(read(store.get("k.txt"))).isEqualTo("two");
    }

    @Test
    void putContentAddressed_keysByHashAndIsIdempotent() throws IOException {
        ArtifactStore store = store();
        StoredArtifact first = store.putContentAddressed("blobs/", ".bin", text("same"));
        StoredArtifact second = store.putContentAddressed("blobs/", ".bin", text("same"));
        assertThat(first).isEqualTo(second);
        assertThat(first.key()).isEqualTo("blobs/" + Hashing.sha256("same") + ".bin");
        assertThat(store.list("blobs/")).containsExactly(first.key());
        assertThat(read(store.get(first.key()))).isEqualTo("same");
    }

    @Test
    void get_missingObjectIsArtifactNotFound() {
        ArtifactStore store = store();
        assertThatThrownBy(() -> store.get("no/such.txt")).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessageContaining("no/such.txt");
        assertThat(store.exists("no/such.txt")).isFalse();
        assertThat(store.stat("no/such.txt")).isEmpty();
    }

    @Test
    void list_returnsSortedKeysUnderThePrefixOnly() {
        ArtifactStore store = store();
        store.put("models/m/2/a", text("x"));
        store.put("models/m/1/b", text("x"));
        store.put("models/n/1/c", text("x"));
        store.put("datasets/d/1", text("x"));
        assertThat(store.list("models/m/")).containsExactly("models/m/1/b", "models/m/2/a");
        assertThat(store.list("models/")).hasSize(3);
        assertThat(store.list("")).hasSize(4);
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void delete_removesAndToleratesMissing() {
        ArtifactStore store = store();
        store.put("d.txt", text("x"));
        store.delete("d.txt");
        store.delete("d.txt");
        assertThat(store.exists("d.txt")).isFalse();
    }

    @Test
    void uri_mapsBackToItsKey() {
        ArtifactStore store = store();
        StoredArtifact stored = store.put("x/y.json", text("{}"));
        assertThat(store.keyOf(stored.uri())).isEqualTo("x/y.json");
        assertThat(store.uri("x/y.json")).isEqualTo(stored.uri());
    }

    @Test
    void keys_thatCouldEscapeTheStoreAreRejected() {
        ArtifactStore store = store();
        for (String bad : List.of("../etc/passwd", "/abs", "a//b", "a/./b", "trailing/", "spa ce")) {
            assertThatThrownBy(() -> store.put(bad, text("x"))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void largeObject_isStreamedAndStoredWhole() throws IOException {
        ArtifactStore store = store();
        long size = largeObjectSize();
        StoredArtifact stored = store.put("big/object.bin", Bytes.generated(size, 3));
        Hashing.Digested expected = Hashing.copy(Bytes.generated(size, 3), OutputStream.nullOutputStream());
        assertThat(stored.sizeBytes()).isEqualTo(size);
        assertThat(stored.sha256()).isEqualTo(expected.sha256());
        try (InputStream in = store.get("big/object.bin")) {
            assertThat(Hashing.copy(in, OutputStream.nullOutputStream())).isEqualTo(expected);
        }
    }

    @Test
    void crashMidWrite_leavesNoObject() {
        ArtifactStore store = store();
        assertThatThrownBy(() -> store.put("crash/new.bin", Bytes.failingAfter(100_000)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(store.exists("crash/new.bin")).isFalse();
        assertThat(store.list("crash/")).isEmpty();
        assertThatThrownBy(() -> store.putContentAddressed("crash/", "", Bytes.failingAfter(100_000)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void crashMidWrite_keepsThePreviousObjectWhole() throws IOException {
        ArtifactStore store = store();
        store.put("crash/existing.txt", text("previous"));
        assertThatThrownBy(() -> store.put("crash/existing.txt", Bytes.failingAfter(largeObjectSize() + 10)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(read(store.get("crash/existing.txt"))).isEqualTo("previous");
    }

    @Test
    void readers_neverSeeHalfAnObjectWhileItIsRewritten() throws Exception {
        ArtifactStore store = store();
        int size = 256 * 1024;
        store.put("race/obj", new ByteArrayInputStream(filled(size, (byte) 'a')));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    store.put("race/obj", new ByteArrayInputStream(filled(size, (byte) (i % 2 == 0 ? 'b' : 'a'))));
                }
                stop.set(true);
                return null;
            });
            Future<List<String>> reader = pool.submit(() -> {
                List<String> problems = new ArrayList<>();
                while (!stop.get()) {
                    byte[] seen;
                    try (InputStream in = store.get("race/obj")) {
                        seen = in.readAllBytes();
                    }
                    if (seen.length != size) {
                        problems.add("read " + seen.length + " bytes");
                    } else if (!uniform(seen)) {
                        problems.add("read a mix of two versions");
                    }
                }
                return problems;
            });
            writer.get();
            assertThat(reader.get()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private static boolean uniform(byte[] bytes) {
        for (byte b : bytes) {
            if (b != bytes[0]) {
                return false;
            }
        }
        return true;
    }
}
