package dev.flywheel.cli.commands;

import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Workspace;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.json.Json;
import dev.flywheel.training.ingest.DatasetFiles;
import dev.flywheel.registry.DatasetNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "datasets", mixinStandardHelpOptions = true, description = "The dataset catalogue.",
        subcommands = {DatasetsCommand.ListDatasets.class, DatasetsCommand.Show.class})
public final class DatasetsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every dataset with its latest version.")
    public static final class ListDatasets implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                var registry = workspace.stores().registries().datasets();
                List<DatasetVersion> latest = registry.names().stream().map(n -> registry.latest(n).orElseThrow()).toList();
                if (common().json()) {
                    Output.json(latest);
                } else {
                    Output.table(List.of("DATASET", "VERSIONS", "ROWS", "QUARANTINED", "SHA256", "CREATED"),
                            latest.stream().map(d -> List.of(d.name(), Integer.toString(d.version()),
                                    Long.toString(d.rowCount()), Long.toString(d.quarantinedRows()),
                                    d.sha256().substring(0, 12) + "…", d.createdAt().toString())).toList());
                }
                return 0;
            }
        }
    }

    @Command(name = "show", description = "A dataset's versions, or one version with its schema.")
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Parameters(paramLabel = "NAME", description = "The dataset, as `datasets list` prints it.")
        String name;
        // Not the standard -V/--version of the other commands: here --version picks a dataset or model version.
        @Option(names = "--version", paramLabel = "V", description = "The version to show (default: every version).")
        Integer version;
        @Option(names = "--verify", description = "Read every file of the version (--version, else the latest) and "
                + "check it against the sha256 registered when it was written.")
        boolean verify;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                var registry = workspace.stores().registries().datasets();
                if (version == null && verify) {
                    version = registry.latest(name).map(DatasetVersion::version).orElseThrow(() ->
                            new DatasetNotFoundException("no dataset named '" + name + "'; see `flywheel datasets list`"));
                }
                if (version == null) {
                    List<DatasetVersion> versions = registry.versions(name);
                    if (versions.isEmpty()) {
                        throw new DatasetNotFoundException("no dataset named '" + name + "'; see `flywheel datasets list`");
                    }
                    if (common().json()) {
                        Output.json(versions);
                    } else {
                        Output.table(List.of("VERSION", "ROWS", "QUARANTINED", "SHA256", "SOURCE", "CREATED"),
                                versions.stream().map(d -> List.of(Integer.toString(d.version()), Long.toString(d.rowCount()),
                                        Long.toString(d.quarantinedRows()), d.sha256(), d.source(), d.createdAt().toString())).toList());
                    }
                    return 0;
                }
                DatasetVersion d = registry.get(name, version);
                List<String> verified = verify ? DatasetFiles.verify(workspace.stores().artifacts(), d) : List.of();
                if (common().json()) {
                    var json = Json.toTree(d);
                    if (verify) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) json).set("verified", Json.toTree(verified));
                    }
                    Output.json(json);
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("dataset", d.name() + " v" + d.version()));
                rows.add(List.of("sha256", d.sha256()));
                rows.add(List.of("rows", d.rowCount() + " accepted, " + d.quarantinedRows() + " quarantined"));
                rows.add(List.of("source", d.source()));
                rows.add(List.of("artifact", d.artifactUri()));
                rows.add(List.of("created", d.createdAt().toString()));
                rows.add(List.of("missing values", d.schema().missingValues().isEmpty() ? "empty fields only"
                        : "empty fields and " + String.join(" ", d.schema().missingValues())));
                rows.add(List.of("row identity", d.schema().identity().isEmpty() ? "the row's content"
                        : String.join(", ", d.schema().identity())));
                d.files().forEach((file, sha) -> rows.add(List.of("file " + file, "sha256 " + sha
                        + (verified.contains(file) ? "  verified" : ""))));
                Output.table(List.of("", ""), rows);
                System.out.println();
                Output.table(List.of("COLUMN", "TYPE", "ROLE", "NULLABLE", "WHY"), d.schema().columns().stream()
                        .map(c -> List.of(c.name(), c.type().name(), c.role().name(), Boolean.toString(c.nullable()),
                                c.reason() == null ? "" : c.reason())).toList());
                if (verify) {
                    System.out.println();
                    System.out.println("verified: " + verified.size() + " files match the sha256 registered with v"
                            + d.version());
                }
                return 0;
            }
        }
    }
}
