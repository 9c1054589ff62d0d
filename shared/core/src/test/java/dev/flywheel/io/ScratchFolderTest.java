package dev.flywheel.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchFolderTest {
    @TempDir
    Path root;

    @Test
    void sweep_deletesTheFoldersOfProcessesThatAreGoneAndKeepsTheLivingOnes() throws IOException {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
        Path mine = Files.createDirectories(root.resolve("flywheel-" + self.pid() + "-" + started));
        Path dead = Files.createDirectories(root.resolve("flywheel-" + Long.MAX_VALUE / 2 + "-1"));
        Files.writeString(dead.resolve("ingest-data123.tmp"), "left behind by kill -9");
        Path reusedPid = Files.createDirectories(root.resolve("flywheel-" + self.pid() + "-1000"));
        Path notOurs = Files.createDirectories(root.resolve("flywheel-cache"));

        assertThat(ScratchFolder.sweep(root)).isEqualTo(2);

        assertThat(mine).exists();
        assertThat(dead).doesNotExist();
        assertThat(reusedPid).doesNotExist();
        assertThat(notOurs).exists();
    }

    @Test
    void filesOfThisProcess_liveInOneFolder() {
        Path file = ScratchFolder.createFile("ingest-", ".tmp");
        Path dir = ScratchFolder.createDirectory("model-");

        assertThat(file.getParent()).isEqualTo(ScratchFolder.get());
        assertThat(dir.getParent()).isEqualTo(ScratchFolder.get());
        assertThat(ScratchFolder.get().getFileName().toString()).startsWith("flywheel-" + ProcessHandle.current().pid() + "-");
        ScratchFolder.delete(file);
        ScratchFolder.delete(dir);
        assertThat(file).doesNotExist();
    }
}
