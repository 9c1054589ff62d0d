package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.ProcessOwner;
import dev.flywheel.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code executions stop} in local mode: a local execution runs inside the process that started it, so stopping is
 * Ctrl-C there; one whose process is gone is recorded as aborted (what {@code executions abort} does). Deployed
 * executions: DeployedCommandsIT.
 */
class ExecutionsStopCommandTest {
    @TempDir
    Path home;

    private static ExecutionRecord running(String id, ProcessOwner owner) {
        return new ExecutionRecord(id, "training-pipeline", ExecutionStatus.RUNNING, Json.object(), null, null, null,
                Instant.now(), null, List.of(), owner);
    }

    /** The owner of a process that has ended. */
    private static ProcessOwner gone() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version").start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessOwner(ProcessOwner.current().host(), process.pid(), Instant.now());
    }

    @Test
    void locally_aRunningExecutionIsStoppedWithCtrlC_anAbandonedOneIsAborted_anEndedOrUnknownOneRefused()
            throws Exception {
        try (Workspace workspace = Workspace.open(home)) {
            workspace.stores().registries().executions().start(running("alive", ProcessOwner.current()));
            workspace.stores().registries().executions().start(running("abandoned", gone()));
        }
        String homeOption = home.toString();

        CliRunner.Result alive = CliRunner.run("executions", "stop", "alive", "--home", homeOption);
        assertThat(alive.exitCode()).isEqualTo(2);
        assertThat(alive.err()).contains("execution alive runs inside the flywheel process that started it ("
                + ProcessOwner.current().describe() + "): stop it there with Ctrl-C (or SIGTERM), which records it "
                + "as ABORTED");

        CliRunner.Result abandoned = CliRunner.run("executions", "stop", "abandoned", "--home", homeOption);
        assertThat(abandoned.exitCode()).as(abandoned.err()).isZero();
        assertThat(abandoned.out()).contains("aborted abandoned");
        try (Workspace workspace = Workspace.openExisting(home)) {
            ExecutionRecord aborted = workspace.stores().registries().executions().get("abandoned");
            assertThat(aborted.status()).isEqualTo(ExecutionStatus.ABORTED);
            assertThat(aborted.cause()).contains("was gone");
            assertThat(workspace.stores().registries().executions().get("alive").status())
                    .isEqualTo(ExecutionStatus.RUNNING);
        }

        CliRunner.Result again = CliRunner.run("executions", "stop", "abandoned", "--home", homeOption);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("execution abandoned ended already (ABORTED): there is nothing to stop");

        CliRunner.Result unknown = CliRunner.run("executions", "stop", "nope", "--home", homeOption);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no execution with id 'nope' (`flywheel executions list` lists them)");
    }
}
