package dev.flywheel.cli;

import dev.flywheel.io.ExitActions;

/**
 * What the terminal says when a running command is stopped (Ctrl-C, SIGTERM): registered before the work starts,
 * so it runs after the work's own exit actions have recorded it as aborted.
 */
public final class Interruption {
    private Interruption() {
    }

    public static ExitActions.Registration notice() {
        return ExitActions.register("notice", () -> System.err.println("\nflywheel: stopped. The execution is recorded "
                + "as ABORTED and its unfinished training runs as FAILED (`flywheel executions list` shows them)."));
    }
}
