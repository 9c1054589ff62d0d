package dev.flywheel.serving.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.serving.Prediction;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.StoredArtifact;
import dev.flywheel.store.local.LocalArtifactStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureWriterTest {
    @TempDir
    Path dir;

    static CaptureRecord record(String requestId, Instant at) {
        return new CaptureRecord(requestId, 0, at, "m", 1, "champion", false, Map.of("x", 1.0),
                new Prediction("yes", Map.of("no", 0.3, "yes", 0.7), null));
    }

    @Test
    void batchesNeverSpanAnHour_andEveryRowIsReadBack() {
        ArtifactStore store = LocalArtifactStore.open(dir);
        Instant t = Instant.parse("2026-12-01T09:59:59.500Z");
        try (CaptureWriter writer = new CaptureWriter(store, Clock.systemUTC(), 100, Duration.ofSeconds(60))) {
            writer.add(List.of(record("a", t), record("b", t.plusMillis(200))));
            writer.add(List.of(record("c", t.plusSeconds(1))));
            writer.flush();
            assertThat(writer.written()).isEqualTo(3);
        }
        assertThat(store.list("captures/m/2026/12/01/09/")).hasSize(1);
        assertThat(store.list("captures/m/2026/12/01/10/")).hasSize(1);
        List<String> ids = new ArrayList<>();
        new CaptureLog(store).captures("m", t.minusSeconds(1), t.plusSeconds(5), r -> ids.add(r.requestId()));
        assertThat(ids).containsExactly("a", "b", "c");
    }

    @Test
    void aFullBatchIsWrittenByTheWriterThread_notTheCaller() throws Exception {
        ArtifactStore store = LocalArtifactStore.open(dir);
        try (CaptureWriter writer = new CaptureWriter(store, Clock.systemUTC(), 2, Duration.ofSeconds(60))) {
            writer.add(List.of(record("a", Instant.now()), record("b", Instant.now())));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (writer.written() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(writer.written()).isEqualTo(2);
        }
    }

    @Test
    void whenTheStoreFailsOrTheWriterFallsBehind_rowsAreDroppedAndCounted_andAddNeverThrowsOrBlocks()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ArtifactStore stuck = new FailingStore(release);
        try (CaptureWriter writer = new CaptureWriter(stuck, Clock.systemUTC(), 1, Duration.ofSeconds(60))) {
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                writer.add(List.of(record("r" + i, Instant.now())));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            release.countDown();
            writer.flush();
            assertThat(writer.written()).isZero();
            assertThat(writer.dropped()).isEqualTo(50);
        }
    }

    /** A store whose first put blocks until released, then every put fails. */
    private static final class FailingStore implements ArtifactStore {
        private final CountDownLatch release;

        FailingStore(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public StoredArtifact put(String key, InputStream content) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new dev.flywheel.store.ArtifactStoreException("the bucket is gone", null);
        }

        @Override
        public StoredArtifact putContentAddressed(String prefix, String suffix, InputStream content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream get(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean exists(String key) {
            return false;
        }

        @Override
        public Optional<StoredArtifact> stat(String key) {
            return Optional.empty();
        }

        @Override
        public List<String> list(String prefix) {
            return List.of();
        }

        @Override
        public void delete(String key) {
        }

        @Override
        public String uri(String key) {
            return "test:///" + key;
        }

        @Override
        public String keyOf(String uri) {
            return uri.substring("test:///".length());
        }
    }
}
