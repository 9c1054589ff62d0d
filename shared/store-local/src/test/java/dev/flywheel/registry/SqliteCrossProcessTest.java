package dev.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.store.local.SqliteMetadataTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store is shared by every {@code flywheel} process on a machine: two JVMs registering versions of
 * one model at once still get distinct consecutive numbers.
 */
class SqliteCrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void twoProcessesRegisteringAtOnce_getDistinctConsecutiveVersions() throws Exception {
        Path db = dir.resolve("metadata.db");
        SqliteMetadataTable.open(db).close();
        List<Process> processes = new ArrayList<>();
        for (String prefix : List.of("a", "b", "c")) {
            processes.add(registrar(db, prefix, 15));
        }
        List<Integer> versions = new ArrayList<>();
        for (Process process : processes) {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("process finished").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            output.lines().filter(l -> l.matches("\\d+")).map(Integer::parseInt).forEach(versions::add);
        }
        assertThat(versions).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 45).boxed().toList());
        try (Registries registries = Registries.over(SqliteMetadataTable.open(db), Clock.systemUTC())) {
            assertThat(registries.models().versions("shared-model")).hasSize(45);
        }
    }

    @Test
    void anOpenStoreHoldsNoLockBetweenWrites_soAnotherProcessCanWrite() throws Exception {
        Path db = dir.resolve("metadata.db");
        try (Registries mine = Registries.over(SqliteMetadataTable.open(db), Clock.systemUTC())) {
            mine.models().register(dev.flywheel.testing.Fixtures.model("shared-model", "mine"));
            // This process keeps its store open (like a pipeline waiting for approval) while another one writes.
            Process other = registrar(db, "other", 3);
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).as("other process finished").isTrue();
            String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(other.exitValue()).as(output).isZero();
            assertThat(mine.models().versions("shared-model")).extracting(v -> v.runId())
                    .containsExactly("mine", "other-0", "other-1", "other-2");
        }
    }

    private static Process registrar(Path db, String prefix, int count) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", classpath, "-Dlog4j2.level=WARN", CrossProcessRegistrar.class.getName(),
                db.toString(), "shared-model", Integer.toString(count), prefix)
                .redirectErrorStream(true)
                .start();
    }
}
