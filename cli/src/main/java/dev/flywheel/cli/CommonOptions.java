package dev.flywheel.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
    public Path home() {
        return home;
    }

    public boolean json() {
        return json;
    }

    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:FLYWHEEL_HOME:-.flywheel}",
            description = "Folder of the local artifacts and metadata (default: ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;
}
