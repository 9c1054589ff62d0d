package dev.flywheel.store.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void keyOf_findsTheObjectsOfAHomeThatWasMoved(@TempDir Path elsewhere) throws Exception {
        Path before = elsewhere.resolve("old-home/artifacts");
        String uri = LocalArtifactStore.open(before).put("models/m/run-1/model.zip",
                new java.io.ByteArrayInputStream(new byte[]{1, 2})).uri();
        Path after = elsewhere.resolve("new-home/artifacts");
        Files.move(before.getParent(), after.getParent());

        ArtifactStore moved = LocalArtifactStore.open(after);

        assertThat(moved.keyOf(uri)).isEqualTo("models/m/run-1/model.zip");
        assertThatThrownBy(() -> moved.keyOf("file:///nowhere/artifacts/models/m/run-2/model.zip"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the artifact store");
    }
}
