package dev.flywheel.cli;

import dev.flywheel.io.ExitActions;

/**
 * What the terminal says when a running command is stopped (Ctrl-C, SIGTERM): registered before the work starts,
 * so it runs after the work's own exit actions have recorded it as aborted (a local execution), or while a deployed
 * execution is followed (which goes on without this process).
 */
public final class Interruption {
    private Interruption() {
    }

    public static ExitActions.Registration notice() {
        return ExitActions.register("notice", () -> System.err.println("\nflywheel: stopped. The execution is recorded "
                + "as ABORTED and its unfinished training runs as FAILED (`flywheel executions list` shows them)."));
    }

    /**
     * What the terminal says when the command following a deployed execution is stopped: the execution goes on in
     * Step Functions, and how to follow it again or stop it.
     */
    public static ExitActions.Registration following(String executionArn) {
        return ExitActions.register("notice", () -> System.err.println("\nflywheel: stopped following. The "
                + "execution goes on running in Step Functions: `flywheel executions show " + executionArn + " --follow` "
                + "follows it again, `flywheel executions stop " + executionArn + "` stops it."));
    }
}
