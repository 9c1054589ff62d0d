package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code flywheel} command line in-process and captures what it prints; or, for a command that reads its
 * configuration from the environment ({@code FLYWHEEL_MODE=aws}), in a child JVM with an environment of its own.
 */
public final class CliRunner {
    /** Exit code, stdout and stderr of one command. */
    public record Result(int exitCode, String out, String err) {
        public JsonNode json() {
            return Json.tree(out);
        }
    }

    private CliRunner() {
    }

    public static synchronized Result run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = FlywheelCli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** The command that runs {@code flywheel args} in a child JVM on this JVM's classpath. */
    static List<String> childCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FlywheelCli.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs {@code flywheel args} in a child JVM (its {@code main}, so with its real exit code), as
     * {@link #startInChild} starts it, and waits for it (two minutes at most).
     */
    public static Result runInChild(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("flywheel-child-", ".out");
        Path err = Files.createTempFile("flywheel-child-", ".err");
        try {
            Process child = startInChild(env, out, err, args);
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("flywheel " + String.join(" ", args) + " did not end within 120 s: "
                        + Files.readString(err));
            }
            return new Result(child.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Starts {@code flywheel args} in a child JVM whose environment is this one's without any {@code FLYWHEEL_} or
     * {@code AWS_} variable, plus {@code env}; its stdout goes to {@code out}, its stderr to {@code err}.
     */
    public static Process startInChild(Map<String, String> env, Path out, Path err, String... args)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(childCommand(List.of(), args))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("FLYWHEEL_") || k.startsWith("AWS_"));
        builder.environment().putAll(env);
        return builder.start();
    }
}
