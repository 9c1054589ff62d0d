package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.Workspace;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The whole loop on the bundled German Credit data, through the training pipeline definition that Step Functions
 * runs on AWS. It says plainly which parts of the loop exist yet.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole loop locally on the bundled German Credit data.")
public final class DemoCommand implements Callable<Integer> {
    static final String DATASET_RESOURCE = "/examples/credit-g/credit-g.csv";

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
        var request = new PipelineRunner.Request(data, "class", "credit-risk", List.of(), List.of(), List.of(),
                null, candidates, false, 42);
        try (Workspace workspace = Workspace.open(common().home())) {
            say("Flywheel demo — home " + home);
            say("1/2 Training pipeline on German Credit (1000 rows, target 'class'), " + candidates + " candidates:");
            long t0 = System.nanoTime();
            ExecutionResult first = PipelineRunner.run(workspace, request, progress());
            ObjectNode firstSummary = PipelineCommand.summary(first, (System.nanoTime() - t0) / 1e9);
            if (!common().json()) {
                PipelineCommand.printSummary(firstSummary);
            }
            if (first.status() != ExecutionStatus.SUCCEEDED) {
                return 1;
            }
            say("\n2/2 The same pipeline again: the dataset is the same version, preprocessing is a checkpoint hit, "
                    + "and the new challenger is gated against the champion:");
            long t1 = System.nanoTime();
            ExecutionResult second = PipelineRunner.run(workspace, request, progress());
            ObjectNode secondSummary = PipelineCommand.summary(second, (System.nanoTime() - t1) / 1e9);
            if (!common().json()) {
                PipelineCommand.printSummary(secondSummary);
            }
            var models = workspace.stores().registries().models();
            var champion = models.alias("credit-risk", "champion");
            ObjectNode result = Json.object();
            result.set("firstRun", firstSummary);
            result.set("secondRun", secondSummary);
            result.put("champion", champion.map(a -> a.version()).orElse(0));
            result.put("home", common().home().toAbsolutePath().toString());
            result.put("metadata", common().home().resolve("metadata.db").toAbsolutePath().toString());
            result.put("artifacts", common().home().resolve("artifacts").toAbsolutePath().toString());
            result.putArray("notYetAvailable").add("serving (inference API)").add("drift monitoring and drift-triggered retraining");
            if (common().json()) {
                Output.json(result);
            } else {
                System.out.println();
                Output.table(List.of("", ""), List.of(
                        List.of("champion", "credit-risk v" + result.path("champion").asInt()),
                        List.of("executions", "./flywheel executions list --home " + home),
                        List.of("runs", "./flywheel runs list --home " + home),
                        List.of("models", "./flywheel models show credit-risk --home " + home),
                        List.of("artifacts", result.path("artifacts").asText()),
                        List.of("metadata", result.path("metadata").asText())));
                System.out.println("\nNot in this demo yet: serving through the inference API, and drift monitoring with "
                        + "drift-triggered retraining; those parts of the loop are not built yet.");
            }
            return second.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
        }
    }

    /** Step lines for one run (each run has its own: they follow one execution's history). */
    private ExecutionListener progress() {
        return common().json() ? ExecutionListener.none()
                : new Progress(System.err, Progress.homeOption(common().home()));
    }

    private void say(String line) {
        if (!common().json()) {
            System.err.println(line);
        }
    }
}
