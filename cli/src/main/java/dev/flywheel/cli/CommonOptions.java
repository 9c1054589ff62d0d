package dev.flywheel.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command takes, before or after the subcommand's name ({@code flywheel --home DIR pipeline run},
 * {@code flywheel pipeline run --home DIR}), as with git, aws or docker: declared once on the root command and
 * inherited by every subcommand; the values live in the root's instance.
 */
public final class CommonOptions {
    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:FLYWHEEL_HOME:-.flywheel}",
            scope = ScopeType.INHERIT,
            description = "Folder of the local artifacts and metadata; default: $FLYWHEEL_HOME, else .flywheel in "
                    + "the current folder.")
    Path home;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as JSON on stdout.")
    boolean json;

    /** The options of the command line that {@code spec} belongs to. */
    public static CommonOptions of(CommandSpec spec) {
        return ((FlywheelCli) spec.root().userObject()).common;
    }

    public Path home() {
        return home;
    }

    public boolean json() {
        return json;
    }
}
