package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.serving.DemoTraffic;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The whole loop on the bundled German Credit data, through the training pipeline definition that Step Functions
 * runs on AWS, then the champion served through the inference function's handler over real HTTP. It says plainly
 * which parts of the loop exist yet.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole loop locally on the bundled German Credit data.")
public final class DemoCommand implements Callable<Integer> {
    static final String DATASET_RESOURCE = "/examples/credit-g/credit-g.csv";
    static final String MODEL = "credit-risk";

    @Spec
    CommandSpec spec;
    @Option(names = "--candidates", defaultValue = "4", paramLabel = "N",
            description = "Candidates per training run, 1 to 8 (default: ${DEFAULT-VALUE}).")
    int candidates;

    private CommonOptions common() {
        return CommonOptions.of(spec);
    }

    @Override
    public Integer call() throws IOException {
        if (candidates < 1 || candidates > PipelineRunner.MAX_CANDIDATES) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--candidates must be between 1 and "
                    + PipelineRunner.MAX_CANDIDATES + ", got " + candidates);
        }
        Path home = common().home().toAbsolutePath().normalize();
        Path data = common().home().resolve("examples/credit-g.csv");
        Files.createDirectories(data.getParent());
        try (InputStream in = DemoCommand.class.getResourceAsStream(DATASET_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled dataset " + DATASET_RESOURCE + " is missing: rebuild the CLI");
            }
            Files.copy(in, data, StandardCopyOption.REPLACE_EXISTING);
        }
        var request = new PipelineRunner.Request(data, "class", MODEL, List.of(), List.of(), List.of(),
                null, candidates, false, 42);
        try (Workspace workspace = Workspace.open(common().home())) {
            say("Flywheel demo — home " + home);
            say("1/6 Training pipeline on German Credit (1000 rows, target 'class'), " + candidates + " candidates:");
            long t0 = System.nanoTime();
            ExecutionResult first = PipelineRunner.run(workspace, request, progress());
            ObjectNode firstSummary = PipelineCommand.summary(first, (System.nanoTime() - t0) / 1e9);
            if (!common().json()) {
                PipelineCommand.printSummary(firstSummary);
            }
            if (first.status() != ExecutionStatus.SUCCEEDED) {
                return 1;
            }
            say("\n2/6 The same pipeline again: the dataset is the same version, preprocessing is a checkpoint hit, "
                    + "and the new challenger is gated against the champion:");
            long t1 = System.nanoTime();
            ExecutionResult second = PipelineRunner.run(workspace, request, progress());
            ObjectNode secondSummary = PipelineCommand.summary(second, (System.nanoTime() - t1) / 1e9);
            if (!common().json()) {
                PipelineCommand.printSummary(secondSummary);
            }
            var models = workspace.stores().registries().models();
            var champion = models.alias(MODEL, "champion");
            boolean succeeded = second.status() == ExecutionStatus.SUCCEEDED;
            DemoTraffic.Result serving = null;
            if (succeeded) {
                say("\n3/6 The champion served over HTTP on 127.0.0.1 by the inference function's handler:\n    "
                        + DemoTraffic.ROWS + " rows in requests of 1 to 10 rows; the true labels of every other "
                        + "request as feedback:");
                long t2 = System.nanoTime();
                serving = DemoTraffic.run(workspace.stores(), MODEL, data, artifactsRoot(workspace),
                        home.resolve("examples"), 42);
                say(String.format(Locale.ROOT, "  ✓ %d predict and %d feedback requests to %s v%d (%.1f s)",
                        serving.requests(), serving.feedbackRequests(), MODEL, serving.version(),
                        (System.nanoTime() - t2) / 1e9));
            }
            DriftDemo.Result drift = null;
            if (succeeded) {
                drift = DriftDemo.run(workspace, home.resolve("examples"), candidates, this::progress, this::say,
                        artifactsRoot(workspace));
                succeeded = drift.succeeded();
            }
            String serve = "./flywheel serve --home " + home;
            ObjectNode result = Json.object();
            result.set("firstRun", firstSummary);
            result.set("secondRun", secondSummary);
            result.put("champion", champion.map(a -> a.version()).orElse(0));
            if (serving != null) {
                ObjectNode servingJson = serving.toJson();
                servingJson.put("serve", serve).put("curl", "curl -s -H 'Content-Type: application/json' -d @"
                        + serving.exampleRequest() + " http://127.0.0.1:8080/models/" + MODEL + "/predict");
                result.set("serving", servingJson);
            }
            result.put("home", common().home().toAbsolutePath().toString());
            result.put("metadata", common().home().resolve("metadata.db").toAbsolutePath().toString());
            result.put("artifacts", common().home().resolve("artifacts").toAbsolutePath().toString());
            if (drift != null) {
                result.set("monitoring", drift.toJson());
            }
            if (common().json()) {
                Output.json(result);
            } else {
                System.out.println();
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("champion", MODEL + " v" + result.path("champion").asInt()));
                if (serving != null) {
                    rows.add(List.of("served", String.format(Locale.ROOT, "%d predict requests (%d rows) over HTTP: "
                            + "p50 %.1f ms, p95 %.1f ms", serving.requests(), serving.rows(), serving.p50Millis(),
                            serving.p95Millis())));
                    rows.add(List.of("captured", serving.capturedRows() + " rows in " + serving.captures()));
                    rows.add(List.of("feedback", serving.feedbackRows() + " rows (" + serving.feedbackRequests()
                            + " requests) in " + serving.feedback()));
                }
                if (drift != null && drift.succeeded()) {
                    rows.add(List.of("monitoring", DriftDemo.MODEL + ": champion v" + drift.championBefore() + " → v"
                            + drift.championAfter() + " after drift"));
                    rows.add(List.of("drift", "./flywheel drift reports " + DriftDemo.MODEL + " --home " + home));
                }
                rows.add(List.of("executions", "./flywheel executions list --home " + home));
                rows.add(List.of("runs", "./flywheel runs list --home " + home));
                rows.add(List.of("models", "./flywheel models show " + MODEL + " --home " + home));
                rows.add(List.of("artifacts", result.path("artifacts").asText()));
                rows.add(List.of("metadata", result.path("metadata").asText()));
                Output.table(List.of("", ""), rows);
                if (serving != null) {
                    System.out.println("\nServe it (in one terminal), ask it (in another), or score a file:");
                    System.out.println("  " + serve);
                    System.out.println("  curl -s -H 'Content-Type: application/json' \\");
                    System.out.println("      -d @" + serving.exampleRequest() + " \\");
                    System.out.println("      http://127.0.0.1:8080/models/" + MODEL + "/predict");
                    System.out.println("  ./flywheel predict " + MODEL + " --home " + home + " \\");
                    System.out.println("      --data " + data.toAbsolutePath().normalize());
                }
                if (drift != null && drift.html() != null) {
                    System.out.println("\nThe drift report (open it in a browser):\n  " + drift.html());
                }
            }
            return succeeded ? 0 : 1;
        }
    }

    /** How an artifact key is shown: a path under the home, or the bucket's URI. */
    private static String artifactsRoot(Workspace workspace) {
        var config = workspace.config();
        if (config.mode() == FlywheelConfig.Mode.LOCAL) {
            return config.home().resolve("artifacts").toAbsolutePath().normalize().toString();
        }
        return "s3://" + config.bucket() + (config.artifactPrefix() == null || config.artifactPrefix().isEmpty()
                ? "" : "/" + config.artifactPrefix().replaceAll("/+$", ""));
    }

    /** Step lines for one run (each run has its own: they follow one execution's history). */
    private ExecutionListener progress() {
        return common().json() ? ExecutionListener.none()
                : new Progress(System.err, Progress.homeOption(common().home()));
    }

    /** A line for people on stderr, wrapped to the terminal (continuation lines keep the line's indentation). */
    private void say(String text) {
        if (common().json()) {
            return;
        }
        int width = Math.max(40, Output.terminalWidth() - 1);
        for (String line : text.split("\n", -1)) {
            String indent = line.substring(0, line.length() - line.stripLeading().length());
            String more = indent + "  ";
            List<String> wrapped = Output.wrap(line.strip(), width - more.length());
            for (int i = 0; i < wrapped.size(); i++) {
                System.err.println((i == 0 ? indent : more) + wrapped.get(i));
            }
            if (wrapped.isEmpty()) {
                System.err.println();
            }
        }
    }
}
