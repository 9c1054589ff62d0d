package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code flywheel} command line in-process and captures what it prints. */
final class CliRunner {
    /** Exit code, stdout and stderr of one command. */
    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            return Json.tree(out);
        }
    }

    private CliRunner() {
    }

    static synchronized Result run(String... args) {
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
}
