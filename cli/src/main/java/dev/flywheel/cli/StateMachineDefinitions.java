package dev.flywheel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The state machine definitions the CLI runs: the very files deployed to Step Functions, from the classpath. */
final class StateMachineDefinitions {
    private StateMachineDefinitions() {
    }

    /** @param what for the message when it is missing: "the training pipeline definition" */
    static String load(String resource, String what) {
        try (InputStream in = StateMachineDefinitions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(what + " " + resource + " is not on the classpath: rebuild the CLI");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
