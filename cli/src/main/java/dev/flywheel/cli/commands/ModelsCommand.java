package dev.flywheel.cli.commands;

import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Workspace;
import dev.flywheel.domain.AliasMove;
import dev.flywheel.domain.EvaluationEvidence;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.serving.ArtifactIo;
import dev.flywheel.serving.PackageFiles;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.registry.ModelNotFoundException;
import dev.flywheel.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", mixinStandardHelpOptions = true, description = "The model registry: versions, aliases, promotion, rollback.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Promote.class,
                ModelsCommand.Rollback.class})
public final class ModelsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every model with its latest version and aliases.")
    public static final class ListModels implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                ModelRegistry models = workspace.stores().registries().models();
                List<List<String>> rows = new ArrayList<>();
                var json = Json.mapper().createArrayNode();
                for (String name : models.names()) {
                    int latest = models.latest(name).map(ModelVersion::version).orElse(0);
                    String aliases = String.join(" ", models.aliases(name).stream()
                            .map(a -> a.alias() + "=v" + a.version()).toList());
                    rows.add(List.of(name, Integer.toString(latest), aliases));
                    json.addObject().put("name", name).put("latestVersion", latest)
                            .set("aliases", Json.toTree(models.aliases(name)));
                }
                if (common().json()) {
                    Output.json(json);
                } else {
                    Output.table(List.of("MODEL", "LATEST", "ALIASES"), rows);
                }
                return 0;
            }
        }
    }

    @Command(name = "show", description = "A model's versions, or one version (by number or alias) with its lineage.")
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Parameters(paramLabel = "NAME", description = "The model.")
        String name;
        // Not the standard -V/--version of the other commands: here --version picks a dataset or model version.
        @Option(names = "--version", paramLabel = "V", description = "The version to show (default: every version).")
        Integer version;
        @Option(names = "--alias", paramLabel = "A", description = "champion or challenger")
        String alias;
        @Option(names = "--verify", description = "Check the version's package against the sha256 it was registered "
                + "with and every file in it against its manifest (default: the champion).")
        boolean verify;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                ModelRegistry models = workspace.stores().registries().models();
                if (version != null && alias != null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "give --version or --alias, not both");
                }
                if (verify && version == null && alias == null) {
                    alias = ModelAlias.CHAMPION;
                }
                if (version == null && alias == null) {
                    List<ModelVersion> versions = models.versions(name);
                    if (versions.isEmpty()) {
                        throw new ModelNotFoundException("no model named '" + name + "'; see `flywheel models list`");
                    }
                    if (common().json()) {
                        Output.json(versions);
                        return 0;
                    }
                    Output.table(List.of("VERSION", "RUN", "DATASET", "METRICS", "CREATED"), versions.stream()
                            .map(v -> List.of(Integer.toString(v.version()), v.runId(),
                                    v.lineage().datasetName() + " v" + v.lineage().datasetVersion(),
                                    RunsCommand.metrics(v.metrics()), v.createdAt().toString())).toList());
                    System.out.println();
                    for (ModelAlias a : models.aliases(name)) {
                        System.out.println(a.alias() + " → v" + a.version() + " (revision " + a.revision() + ", " + a.reason() + ")");
                        for (AliasMove move : models.aliasHistory(name, a.alias())) {
                            System.out.println("    " + move.at() + "  " + (move.fromVersion() == null ? "-" : "v" + move.fromVersion())
                                    + " → v" + move.toVersion() + "  " + (move.reason() == null ? "" : move.reason()));
                        }
                    }
                    return 0;
                }
                ModelVersion v = alias != null ? models.resolve(name, alias) : models.get(name, version);
                List<String> verified = List.of();
                if (verify) {
                    var artifacts = workspace.stores().artifacts();
                    byte[] zip = ArtifactIo.bytes(artifacts, artifacts.keyOf(v.artifactUri()));
                    verified = List.copyOf(new java.util.TreeSet<>(PackageFiles.verify(v.artifactUri(), zip,
                            v.artifactSha256()).keySet()));
                }
                if (common().json()) {
                    var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.toTree(v);
                    if (verify) {
                        json.set("verified", Json.toTree(verified));
                    }
                    Output.json(json);
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("model", v.name() + " v" + v.version()));
                rows.add(List.of("package", v.artifactUri()));
                rows.add(List.of("package sha256", v.artifactSha256()));
                rows.add(List.of("run", v.runId()));
                rows.add(List.of("dataset", v.lineage().datasetName() + " v" + v.lineage().datasetVersion()
                        + " sha256 " + v.lineage().datasetSha256()));
                rows.add(List.of("preprocessing config sha256", v.lineage().featurePipelineSha256()));
                rows.add(List.of("code version", v.codeVersion()));
                v.params().forEach((k, val) -> rows.add(List.of("param " + k, val)));
                v.metrics().forEach((k, val) -> rows.add(List.of("test " + k, Output.number(val))));
                EvaluationEvidence e = v.evaluation();
                if (e != null) {
                    rows.add(List.of("split", "salt '" + e.split().salt() + "', validation " + e.split().validation()
                            + ", test " + e.split().test() + ", rows identified by " + (e.split().fromContent()
                            ? "their content" : String.join(", ", e.split().identityColumns()))));
                    rows.add(List.of("test rows", e.testRows().count() + " (ids sha256 " + e.testRows().sha256() + ")"));
                    if (e.judgedChampion().none()) {
                        rows.add(List.of("judged against", "no champion (thresholds only)"));
                    } else {
                        rows.add(List.of("judged against", "champion v" + e.judgedChampion().version()
                                + " (alias revision " + e.judgedChampion().revision() + ") on "
                                + (e.comparedRows() == null ? 0 : e.comparedRows().count())
                                + " test rows neither trained on"));
                        e.championMetrics().forEach((k, val) -> rows.add(List.of("champion " + k + " (compared rows)",
                                Output.number(val))));
                    }
                    rows.add(List.of("gate verdict", e.verdict()));
                    e.reasons().forEach(r -> rows.add(List.of("gate", r)));
                } else {
                    rows.add(List.of("evaluation", "none recorded (registered outside the pipeline)"));
                }
                if (verify) {
                    rows.add(List.of("verified", "package sha256 and " + verified.size() + " files match"));
                }
                Output.table(List.of("", ""), rows);
                return 0;
            }
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Point the champion alias at a version (compare-and-set).")
    public static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME", description = "The model.")
        String name;
        @Parameters(index = "1", paramLabel = "VERSION", description = "The version to make champion.")
        int version;
        @Option(names = "--reason", defaultValue = "promoted by hand", paramLabel = "TEXT",
                description = "Why, kept in the alias history (default: ${DEFAULT-VALUE}).")
        String reason;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                var models = workspace.stores().registries().models();
                var current = models.alias(name, ModelAlias.CHAMPION);
                if (current.isPresent() && current.get().version() == version) {
                    throw new IllegalStateException(name + " v" + version + " is the champion already: nothing to do");
                }
                ModelAlias moved = models.moveAlias(name, ModelAlias.CHAMPION, version, reason);
                print(common(), moved);
                return 0;
            }
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Move the champion back to the version it had before, walking back its history: after "
                    + "v1, v2, v3 a rollback goes to v2, the next one to v1.")
    public static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The model.")
        String name;
        @Option(names = "--to", paramLabel = "VERSION",
                description = "Go back to this earlier champion version instead of the one just before.")
        Integer to;
        @Option(names = "--reason", defaultValue = "rolled back by hand", paramLabel = "TEXT",
                description = "Why, kept in the alias history (default: ${DEFAULT-VALUE}).")
        String reason;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                ModelAlias moved = workspace.stores().registries().models().rollback(name, ModelAlias.CHAMPION, to, reason);
                print(common(), moved);
                return 0;
            }
        }
    }

    private static void print(CommonOptions common, ModelAlias moved) {
        if (common.json()) {
            Output.json(moved);
        } else {
            System.out.println(moved.model() + ": " + moved.alias() + " → v" + moved.version() + " (revision " + moved.revision() + ")");
        }
    }
}
