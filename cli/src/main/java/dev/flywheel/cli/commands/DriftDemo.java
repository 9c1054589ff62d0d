package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.DriftRunner;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.serving.DemoTraffic;
import dev.flywheel.data.SyntheticDataGenerator;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.MlTask;
import dev.flywheel.json.Json;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The demo's monitoring part, on a model of synthetic data whose drift is known: trained on unshifted rows, served
 * normal traffic (the monitor finds no drift), then traffic whose covariates moved ({@code datagen --shift}) with
 * its true labels as feedback (the monitor finds drift and retrains on that traffic; the gate decides whether the
 * new version replaces the champion).
 */
final class DriftDemo {
    static final String MODEL = "sensors";
    static final int TRAIN_ROWS = 4000;
    static final int NORMAL_ROWS = 600;
    static final int DRIFTED_ROWS = 1500;
    static final double SHIFT = 1.5;

    private DriftDemo() {
    }

    /** What the part did, for the summary. */
    record Result(ExecutionResult training, DemoTraffic.Result normalTraffic, DriftRunner.Outcome normal,
                  DemoTraffic.Result driftedTraffic, DriftRunner.Outcome drifted, Path html, int championBefore,
                  int championAfter) {
        boolean succeeded() {
            return training.status() == ExecutionStatus.SUCCEEDED && normal != null && drifted != null
                    && drifted.execution().status() == ExecutionStatus.SUCCEEDED;
        }

        ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("model", MODEL);
            out.put("trainingExecution", training.executionId());
            if (normal != null) {
                out.set("normal", normal.toJson());
            }
            if (drifted != null) {
                out.set("drifted", drifted.toJson());
                out.putObject("driftedWindow").put("since", driftedTraffic.from().toString())
                        .put("until", driftedTraffic.until().toString());
            }
            out.put("championBefore", championBefore);
            out.put("championAfter", championAfter);
            if (html != null) {
                out.put("html", html.toString());
            }
            return out;
        }
    }

    static Result run(Workspace workspace, Path examples, int candidates, Supplier<ExecutionListener> progress,
                      Consumer<String> say, String artifactsRoot) throws IOException {
        Files.createDirectories(examples);
        Path train = write(examples.resolve(MODEL + "-train.csv"), 42, 0.0, TRAIN_ROWS);
        Path normalRows = write(examples.resolve(MODEL + "-normal.csv"), 7, 0.0, NORMAL_ROWS);
        Path driftedRows = write(examples.resolve(MODEL + "-drifted.csv"), 8, SHIFT, DRIFTED_ROWS);
        say.accept(String.format(Locale.ROOT, "%n4/6 Monitoring: a second model, '%s', trained on %,d synthetic rows "
                + "(flywheel datagen: 6 numeric, 2 categorical columns):", MODEL, TRAIN_ROWS));
        var request = new PipelineRunner.Request(train, "target", MODEL, java.util.List.of(), java.util.List.of(),
                java.util.List.of(), null, candidates, false, 42);
        ExecutionResult training = PipelineRunner.run(workspace, request, progress.get());
        if (training.status() != ExecutionStatus.SUCCEEDED) {
            return new Result(training, null, null, null, null, null, 0, 0);
        }
        int before = champion(workspace);
        say.accept(String.format(Locale.ROOT, "%n5/6 Normal traffic: %d rows over HTTP with their labels as "
                + "feedback, then the drift-monitor state machine over that window:", NORMAL_ROWS));
        DemoTraffic.Result normalTraffic = DemoTraffic.run(workspace.stores(), MODEL, normalRows, NORMAL_ROWS, 1,
                artifactsRoot, examples, 7);
        DriftRunner.Outcome normal = DriftRunner.run(workspace, monitorInput(normalTraffic, null), progress.get());
        say.accept("  " + line(normal));
        say.accept(String.format(Locale.ROOT, "%n6/6 Drifted traffic: %d rows whose numeric means moved by %.1f and "
                + "category mix changed (datagen --shift %.1f), with labels; the monitor, told how to retrain:",
                DRIFTED_ROWS, SHIFT, SHIFT));
        DemoTraffic.Result driftedTraffic = DemoTraffic.run(workspace.stores(), MODEL, driftedRows, DRIFTED_ROWS, 1,
                artifactsRoot, examples, 8);
        ObjectNode retrain = Json.object();
        retrain.set("pipelineInput", PipelineRunner.input(request));
        DriftRunner.Outcome drifted = DriftRunner.run(workspace, monitorInput(driftedTraffic, retrain),
                progress.get());
        say.accept("  " + line(drifted));
        int after = champion(workspace);
        Path html = htmlPath(drifted.report().path("reportUri").asText(null));
        return new Result(training, normalTraffic, normal, driftedTraffic, drifted, html, before, after);
    }

    private static ObjectNode monitorInput(DemoTraffic.Result traffic, ObjectNode retrain) {
        ObjectNode input = Json.object().put("model", MODEL).put("since", traffic.from().toString())
                .put("until", traffic.until().toString());
        if (retrain != null) {
            input.set("retrain", retrain);
            input.put("cooldownHours", 24);
        }
        return input;
    }

    /** One line: the verdict and what was decided. */
    static String line(DriftRunner.Outcome outcome) {
        JsonNode report = outcome.report();
        JsonNode decision = outcome.decision();
        if (report.isMissingNode()) {
            return "✗ the monitor failed: " + outcome.execution().error() + " (flywheel executions show "
                    + outcome.execution().executionId() + ")";
        }
        String reason = report.path("reason").asText();
        String decided = decision.path("reason").asText();
        if (decided.startsWith(reason)) {
            decided = decided.substring(reason.length()).strip();
        }
        return (report.path("drifted").asBoolean() ? "DRIFT" : "no drift") + ": " + reason + "\n  → decision: "
                + decision.path("action").asText() + (decided.isEmpty() ? "" : ". " + decided);
    }

    private static int champion(Workspace workspace) {
        return workspace.stores().registries().models().alias(MODEL, "champion").map(a -> a.version()).orElse(0);
    }

    private static Path htmlPath(String uri) {
        if (uri == null || !uri.startsWith("file:")) {
            return null;
        }
        return Path.of(java.net.URI.create(uri));
    }

    private static Path write(Path file, long seed, double shift, int rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            new SyntheticDataGenerator(seed, MlTask.BINARY, 6, 2, shift).write(out, rows);
        }
        return file;
    }
}
