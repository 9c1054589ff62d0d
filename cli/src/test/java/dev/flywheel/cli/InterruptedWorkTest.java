package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.Run;
import dev.flywheel.domain.RunStatus;
import dev.flywheel.json.Json;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code flywheel} process stopped in the middle of its work, as a user stops it: SIGTERM or Ctrl-C (recorded as
 * aborted, temporary files gone) or {@code kill -9} (shown as abandoned, refused by approve, cleaned by abort).
 * Each case runs the CLI in a child JVM.
 */
class InterruptedWorkTest {
    @TempDir
    Path dir;

    private Path home() {
        return dir.resolve("home");
    }

    private Path tmp() throws IOException {
        return Files.createDirectories(dir.resolve("tmp"));
    }

    /** Starts {@code flywheel executions start} of the training pipeline on {@code input} in a child JVM. */
    private Process startPipeline(ObjectNode input) throws IOException {
        Path definition = Files.writeString(dir.resolve("training-pipeline.asl.json"), PipelineRunner.definition());
        Path inputFile = Files.writeString(dir.resolve("input.json"), input.toString());
        List<String> command = CliRunner.childCommand(List.of("-Djava.io.tmpdir=" + tmp()), "executions", "start",
                "--definition", definition.toString(), "--input", "@" + inputFile, "--name", "training-pipeline",
                "--home", home().toString());
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
    }

    private ObjectNode input(int rows, String params, boolean requireApproval) throws IOException {
        Path data = dir.resolve("data.csv");
        assertThat(CliRunner.run("datagen", "--rows", Integer.toString(rows), "--out", data.toString()).exitCode())
                .isZero();
        ObjectNode input = PipelineRunner.input(new PipelineRunner.Request(data, "target", "churn", List.of(),
                List.of(), List.of(), null, 1, requireApproval, 1));
        input.putArray("candidates").addObject().set("params", Json.tree(params));
        return input;
    }

    /** Polls the child's home until {@code found} gives a value (or the child ends, or a minute passes). */
    private <T> T await(Process child, Function<Registries, Optional<T>> found) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(home().resolve("metadata.db"))) {
                try (Registries registries = registries()) {
                    Optional<T> value = found.apply(registries);
                    if (value.isPresent()) {
                        return value.get();
                    }
                }
            }
            assertThat(child.isAlive()).as("the child is still working: " + Files.readString(dir.resolve("child.log")))
                    .isTrue();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("nothing happened in time: " + Files.readString(dir.resolve("child.log")));
    }

    private Registries registries() {
        return Registries.over(SqliteMetadataTable.open(home().resolve("metadata.db")), Clock.systemUTC());
    }

    private static Optional<Run> runningRun(Registries registries) {
        return registries.runs().list("churn", 0).stream().filter(r -> r.status() == RunStatus.RUNNING).findFirst();
    }

    private List<Path> scratchFolders() throws IOException {
        try (Stream<Path> entries = Files.list(tmp())) {
            return entries.filter(p -> p.getFileName().toString().startsWith("flywheel-")).toList();
        }
    }

    @Test
    void sigtermDuringTraining_recordsTheExecutionAbortedAndTheRunFailed_andLeavesNoTemporaryFile() throws Exception {
        // A tiny learning rate: training goes on for minutes, so the signal surely comes while the run is RUNNING.
        Process child = startPipeline(input(3000, "{\"max_depth\":3,\"eta\":0.00001,\"num_round\":200000}", false));
        Run running = await(child, InterruptedWorkTest::runningRun);

        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        try (Registries registries = registries()) {
            ExecutionRecord execution = registries.executions().list(0).get(0);
            assertThat(execution.status()).as("the child's output: " + Files.readString(dir.resolve("child.log")))
                    .isEqualTo(ExecutionStatus.ABORTED);
            assertThat(execution.cause()).contains("was stopped");
            Run run = registries.runs().get(running.id());
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error()).contains("aborted").contains("stopped while it trained");
            assertThat(run.executionId()).endsWith(":" + execution.id());
        }
        assertThat(scratchFolders()).isEmpty();
    }

    @Test
    void aKilledProcess_leavesItsExecutionAbandoned_whichApproveRefusesAndAbortCleans() throws Exception {
        Process child = startPipeline(input(600, "{\"max_depth\":2,\"eta\":0.3,\"num_round\":20}", true));
        String token = await(child, registries -> registries.executions().list(0).stream().findFirst()
                .flatMap(e -> registries.executions().find(e.id())).flatMap(e -> e.events().stream()
                        .filter(ev -> ev.type().equals("TaskScheduled")
                                && ev.details().path("resource").asText().endsWith(".waitForTaskToken"))
                        .map(ExecutionEvent::details).findFirst())
                .map(details -> details.path("parameters").path("Payload").path("taskToken").asText())
                // The token is in TaskScheduled before the approval step has run; it is answerable once the
                // waiter has recorded it (when the CLI prints its approve hint). Kill only then, or approve would
                // rightly say there is no such token: a race that made this test fail under load.
                .filter(t -> registries.executions().findTaskToken(t).isPresent()));

        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String home = home().toString();

        CliRunner.Result list = CliRunner.run("executions", "list", "--home", home);
        assertThat(list.out()).contains("ABANDONED").contains("flywheel executions abort");
        assertThat(list.err()).contains("1 execution(s) marked RUNNING belong to a process that is gone");
        CliRunner.Result approve = CliRunner.run("approve", token, "--home", home);
        assertThat(approve.exitCode()).isEqualTo(1);
        assertThat(approve.err()).contains("is not waiting").contains("is gone, so nothing would go on");

        CliRunner.Result abort = CliRunner.run("executions", "abort", "--abandoned", "--json", "--home", home);
        assertThat(abort.exitCode()).as(abort.err()).isZero();
        JsonNode aborted = abort.json();
        assertThat(aborted).hasSize(1);
        assertThat(aborted.get(0).path("status").asText()).isEqualTo("ABORTED");
        try (Registries registries = registries()) {
            assertThat(registries.executions().list(0)).allSatisfy(e -> assertThat(e.status().isTerminal()).isTrue());
        }
        assertThat(CliRunner.run("approve", token, "--home", home).err()).contains("is not waiting: it is ABORTED");
    }
}
