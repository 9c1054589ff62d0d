package dev.flywheel.store.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.ArtifactStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest extends ArtifactStoreContract {
    @TempDir
    Path root;

    @Override
    protected ArtifactStore store() {
        return LocalArtifactStore.open(root);
    }

    @Test
    void open_removesTemporaryFilesLeftByACrashedWriter() throws Exception {
        LocalArtifactStore.open(root);
        Path leftover = root.resolve(".tmp/crashed.part");
        Files.writeString(leftover, "half an object");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minusSeconds(7200)));
        Path fresh = root.resolve(".tmp/in-flight.part");
        Files.writeString(fresh, "another process is writing this");

        ArtifactStore store = LocalArtifactStore.open(root);

        assertThat(leftover).doesNotExist();
        assertThat(fresh).exists();
        assertThat(store.list("")).isEmpty();
    }
}
