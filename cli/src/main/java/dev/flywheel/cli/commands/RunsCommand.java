package dev.flywheel.cli.commands;

import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Workspace;
import dev.flywheel.domain.MetricPoint;
import dev.flywheel.domain.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Tracked training runs.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class})
public final class RunsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Runs, newest first, per experiment (model).")
    public static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--experiment", paramLabel = "NAME", description = "Only this experiment (default: all).")
        String experiment;
        @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
                description = "At most this many runs per experiment (default: ${DEFAULT-VALUE}).")
        int limit;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1, got "
                        + limit);
            }
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                var registry = workspace.stores().registries().runs();
                List<Run> runs = new ArrayList<>();
                for (String name : experiment != null ? List.of(experiment) : registry.experiments()) {
                    runs.addAll(registry.list(name, limit));
                }
                if (common().json()) {
                    Output.json(runs);
                } else {
                    Output.table(List.of("RUN", "EXPERIMENT", "STATUS", "STARTED", "METRICS"), runs.stream()
                            .map(r -> List.of(r.id(), r.experiment(), r.abandoned() ? "ABANDONED" : r.status().name(),
                                    r.startedAt().toString(),
                                    metrics(r.metrics()))).toList());
                }
                return 0;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One run: params, metric history, lineage.")
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "The run id (run-...), as `runs list` prints it.")
        String id;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                Run run = workspace.stores().registries().runs().get(id);
                if (common().json()) {
                    Output.json(run);
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("run", run.id()));
                rows.add(List.of("experiment", run.experiment()));
                rows.add(List.of("status", run.abandoned() ? "ABANDONED: still marked RUNNING, but its "
                        + run.owner().describe() + " is gone" : run.status() + (run.error() != null ? ": "
                        + run.error() : "")));
                if (run.executionId() != null) {
                    rows.add(List.of("execution", run.executionId()));
                }
                rows.add(List.of("started / ended", run.startedAt() + " / " + run.endedAt()));
                rows.add(List.of("code version", run.codeVersion()));
                if (run.lineage() != null) {
                    rows.add(List.of("dataset", run.lineage().datasetName() + " v" + run.lineage().datasetVersion()
                            + " sha256 " + run.lineage().datasetSha256()));
                    rows.add(List.of("preprocessing config sha256", run.lineage().featurePipelineSha256()));
                }
                run.params().forEach((k, v) -> rows.add(List.of("param " + k, v)));
                run.metrics().forEach((k, v) -> rows.add(List.of("metric " + k, Output.metric(v))));
                for (Map.Entry<String, List<MetricPoint>> history : run.metricHistory().entrySet()) {
                    List<MetricPoint> points = history.getValue();
                    if (!points.isEmpty()) {
                        rows.add(List.of("history " + history.getKey(), points.size() + " steps: "
                                + Output.number(points.get(0).value()) + " → " + Output.number(points.get(points.size() - 1).value())));
                    }
                }
                run.artifacts().forEach((k, v) -> rows.add(List.of("artifact " + k, v)));
                Output.table(List.of("", ""), rows);
                return 0;
            }
        }
    }

    static String metrics(Map<String, Double> metrics) {
        StringBuilder text = new StringBuilder();
        metrics.forEach((k, v) -> text.append(text.length() == 0 ? "" : " ").append(k).append('=').append(Output.metric(v)));
        return text.toString();
    }
}
