package dev.flywheel.cli.commands;

import dev.flywheel.training.steps.TrainRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.OutOfMemory;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.TrainingData;
import dev.flywheel.cli.Workspace;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Require;
import dev.flywheel.json.Json;
import dev.flywheel.lambda.LambdaErrors;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.RemoteRuns;
import dev.flywheel.cli.remote.StepFunctionsExecutions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "pipeline", description = "Run the training pipeline.", mixinStandardHelpOptions = true,
        subcommands = PipelineCommand.Run.class)
public final class PipelineCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Ingest a CSV/JSON Lines file, train candidates, evaluate against the champion, register and promote.")
    public static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "FILE",
                description = "CSV with a header, or JSON Lines. With --deployed also an s3:// URI.")
        String dataText;
        Path data;
        @Option(names = "--target", required = true, paramLabel = "COL", description = "The column to predict.")
        String target;
        @Option(names = "--dataset", paramLabel = "NAME",
                description = "Dataset name (default: the file's name without extension). A dataset keeps its target, "
                        + "exclusions, ids and missing-value tokens from its first version: another name starts afresh.")
        String dataset;
        @Option(names = "--model", paramLabel = "NAME", description = "Model name (default: <dataset>-model).")
        String model;
        @Option(names = "--exclude", split = ",", paramLabel = "COLS", description = "Columns never used as features.")
        List<String> exclude = new ArrayList<>();
        @Option(names = "--id", split = ",", paramLabel = "COLS",
                description = "Columns that identify a row: never features, and they decide the row's side of the "
                        + "train/validation/test split (default: the row's whole content). Set on a dataset's first "
                        + "run; later runs keep it.")
        List<String> id = new ArrayList<>();
        @Option(names = "--na-values", split = ",", paramLabel = "TOKENS",
                description = "Values read as missing besides an empty field, e.g. NA,? (default: none). Set on a "
                        + "dataset's first run; later runs keep them.")
        List<String> naValues = new ArrayList<>();
        @Option(names = "--task", paramLabel = "TASK", description = "binary, multiclass or regression (default: inferred).")
        String task;
        @Option(names = "--candidates", defaultValue = "4", paramLabel = "N", description = "Hyper-parameter candidates trained in parallel, 1 to " + PipelineRunner.MAX_CANDIDATES + " (default: ${DEFAULT-VALUE}).")
        int candidates;
        @Option(names = "--seed", defaultValue = "" + TrainRequest.DEFAULT_SEED, paramLabel = "S",
                description = "Seed of the training randomness (default: ${DEFAULT-VALUE}). The split does not depend on "
                        + "it: rows are split by a stable hash of their identity, salted by the model name.")
        long seed;
        @Option(names = "--require-approval", description = "Pause before promotion until `flywheel approve TOKEN`.")
        boolean requireApproval;
        @Option(names = "--deployed",
                description = "Run the deployed training pipeline (Step Functions, FLYWHEEL_MODE=aws and "
                        + "FLYWHEEL_TRAINING_STATE_MACHINE_ARN) instead of this machine, and follow it here. A local "
                        + "--data file is checked as Ingest checks first (UTF-8 text, a header, a data row, the named "
                        + "columns) and uploaded to the artifact bucket under uploads/; an s3:// one must exist there.")
        boolean deployed;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            boolean s3 = dataText.startsWith("s3://");
            if (s3 && !deployed) {
                throw new ParameterException(spec.commandLine(), "--data " + dataText + ": an s3:// URI is read by "
                        + "the deployed pipeline only (--deployed); here, name a local file");
            }
            data = s3 ? Path.of(dataText.substring(dataText.lastIndexOf('/') + 1)) : Path.of(dataText);
            if (s3) {
                DeployedRuns.requireObject(spec, "--data", dataText);
                validate();
                return runDeployed();
            }
            if (Files.isDirectory(data)) {
                throw new ParameterException(spec.commandLine(), "--data " + data + " is a folder: name a CSV or JSON "
                        + "Lines file");
            }
            if (!Files.isRegularFile(data)) {
                throw new ParameterException(spec.commandLine(), "--data " + data + ": no such file");
            }
            validate();
            if (deployed) {
                // What the deployed Ingest would refuse at once, refused here: no upload, no failed execution.
                try {
                    TrainingData.check(data, target, exclude, id);
                } catch (InvalidInputException e) {
                    throw new ParameterException(spec.commandLine(), "--data " + e.getMessage());
                }
                return runDeployed();
            }
            var request = new PipelineRunner.Request(data, dataset, target, model, exclude, id, naValues, task,
                    candidates, requireApproval, seed);
            try (Workspace workspace = Workspace.open(common().home())) {
                long started = System.nanoTime();
                if (!common().json()) {
                    System.err.println("Running the training pipeline on " + data + " (" + where(workspace) + ")");
                }
                ExecutionListener progress = common().json() ? ExecutionListener.none() : new Progress(System.err, Progress.homeOption(common().home()));
                ExecutionResult result = PipelineRunner.run(workspace, request, progress);
                return finish(result, System.nanoTime() - started, request);
            }
        }

        private void validate() {
            if (task != null && !List.of("binary", "multiclass", "regression").contains(task)) {
                throw new ParameterException(spec.commandLine(), "--task must be binary, multiclass or regression, got '" + task + "'");
            }
            if (candidates < 1 || candidates > PipelineRunner.MAX_CANDIDATES) {
                throw new ParameterException(spec.commandLine(), "--candidates must be between 1 and "
                        + PipelineRunner.MAX_CANDIDATES + ", got " + candidates);
            }
            for (String[] name : new String[][]{{"--model", model}, {"--dataset", dataset}}) {
                if (name[1] != null) {
                    try {
                        Require.name(name[1], name[0]);
                    } catch (InvalidRecordException e) {
                        throw new ParameterException(spec.commandLine(), e.getMessage());
                    }
                }
            }
        }

        /**
         * The deployed training pipeline: the data uploaded (unless it is in S3 already), StartExecution with the
         * input a local run builds, then the execution followed with the same step lines and summary.
         */
        private int runDeployed() {
            FlywheelConfig config = DeployedRuns.config(spec, DeployedRuns.Machine.TRAINING);
            String stateMachine = DeployedRuns.Machine.TRAINING.arn(config);
            var request = new PipelineRunner.Request(data, dataset, target, model, exclude, id, naValues, task,
                    candidates, requireApproval, seed);
            long started = System.nanoTime();
            try (Stores stores = AwsStores.open(config, Clock.systemUTC());
                 RemoteExecutions remote = StepFunctionsExecutions.create(config)) {
                String source = DeployedRuns.source(spec, "--data", dataText, stores.artifacts(), common().json());
                String executionArn = RemoteRuns.startTraining(remote, stateMachine, request, source);
                DeployedRuns.started(executionArn, "Running the deployed training pipeline on " + source,
                        common().json());
                ExecutionResult result = DeployedRuns.follow(remote, executionArn, common().json());
                return finish(result, System.nanoTime() - started, request);
            }
        }

        private int finish(ExecutionResult result, long nanos, PipelineRunner.Request request) {
            return report(summary(result, nanos / 1e9, PipelineRunner.modelName(request)), common().json());
        }
    }

    /** Prints a run's summary (JSON, or the table for people); the exit code: 0 when it succeeded, else 1. */
    static int report(ObjectNode summary, boolean json) {
        if (json) {
            Output.json(summary);
        } else {
            printSummary(summary);
        }
        return summary.path("status").asText().equals(ExecutionStatus.SUCCEEDED.name()) ? 0 : 1;
    }

    /** Where the pipeline's artifacts and records go, in words. */
    static String where(Workspace workspace) {
        var config = workspace.config();
        if (config.mode() == dev.flywheel.config.FlywheelConfig.Mode.AWS) {
            return "bucket " + config.bucket() + ", table " + config.table() + " in " + config.region()
                    + config.endpointOverride().map(uri -> " at " + uri).orElse("");
        }
        return "home " + config.home();
    }

    /** The fields scripts rely on: executionId, status, model, version, promoted, metrics (+ error/cause). */
    public static ObjectNode summary(ExecutionResult result, double seconds) {
        return summary(result, seconds, null);
    }

    /**
     * {@link #summary(ExecutionResult, double)}, with {@code model} the model the run was asked to train: the
     * summary's model when the output does not say (a run that failed or was stopped has no output).
     */
    public static ObjectNode summary(ExecutionResult result, double seconds, String model) {
        ObjectNode summary = Json.object();
        summary.put("executionId", result.executionId());
        summary.put("status", result.status().name());
        JsonNode output = result.output() == null ? Json.object() : result.output();
        summary.set("model", output.hasNonNull("model") ? output.get("model")
                : model == null ? null : Json.mapper().getNodeFactory().textNode(model));
        summary.set("version", output.path("version").isMissingNode() ? null : output.get("version"));
        summary.put("promoted", output.path("promoted").asBoolean(false));
        for (String field : List.of("outcome", "reason")) {
            if (output.hasNonNull(field)) {
                summary.set(field, output.get(field));
            }
        }
        summary.set("metrics", output.path("metrics").isMissingNode() ? Json.object() : output.get("metrics"));
        for (String field : List.of("gate", "champion", "testRows", "comparedRows", "quarantinedRows", "quarantineUri",
                "leftOut", "datasetCreated", "checkpointHit")) {
            if (output.has(field)) {
                summary.set(field, output.get(field));
            }
        }
        if (output.has("dataset")) {
            JsonNode dataset = output.get("dataset");
            summary.set("dataset", Json.object().put("name", dataset.path("name").asText())
                    .put("version", dataset.path("version").asInt()).put("sha256", dataset.path("sha256").asText()));
        }
        if (result.status() != ExecutionStatus.SUCCEEDED) {
            summary.put("outcome", result.status() == ExecutionStatus.ABORTED ? "stopped" : "failed");
        }
        if (result.error() != null || result.cause() != null) {
            summary.put("error", result.error());
            summary.put("cause", result.cause());
            summary.put("errorMessage", LambdaErrors.message(result.cause()));
        }
        if (output.has("rejection")) {
            summary.put("rejection", LambdaErrors.message(output.path("rejection").path("Cause").asText(null)));
        }
        summary.put("seconds", Math.round(seconds * 100) / 100.0);
        return summary;
    }

    static void printSummary(ObjectNode summary) {
        System.out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("execution", summary.path("executionId").asText()));
        rows.add(List.of("status", summary.path("status").asText()));
        if (summary.has("dataset")) {
            JsonNode d = summary.get("dataset");
            rows.add(List.of("dataset", d.path("name").asText() + " v" + d.path("version").asInt()
                    + " (sha256 " + d.path("sha256").asText().substring(0, Math.min(12, d.path("sha256").asText().length())) + "…)"
                    + (summary.path("datasetCreated").asBoolean(true) ? "" : ", the same content as before: reused")));
        }
        if (summary.has("checkpointHit")) {
            rows.add(List.of("preprocessing", summary.path("checkpointHit").asBoolean()
                    ? "checkpoint reused (same data and settings)" : "computed and checkpointed"));
        }
        if (!summary.path("model").asText("").isEmpty()) {
            rows.add(List.of("model", summary.path("model").asText("") + (summary.path("version").isNumber()
                    ? " v" + summary.path("version").asInt() : "")));
        }
        if (summary.path("quarantinedRows").asLong() > 0) {
            long quarantined = summary.path("quarantinedRows").asLong();
            rows.add(List.of("quarantined", quarantined + (quarantined == 1 ? " row" : " rows") + ", with reasons in "
                    + summary.path("quarantineUri").asText()));
        }
        for (JsonNode column : summary.path("leftOut")) {
            rows.add(List.of("left out", column.path("column").asText() + ": " + column.path("reason").asText()));
        }
        rows.add(List.of("promoted to champion", summary.path("promoted").asBoolean() ? "yes"
                : "no" + (summary.path("outcome").asText("").equals("superseded") ? " (superseded)" : "")));
        if (summary.hasNonNull("reason") && !summary.path("promoted").asBoolean()) {
            rows.add(List.of("why", summary.path("reason").asText()));
        }
        for (Map.Entry<String, JsonNode> metric : iterable(summary.path("metrics"))) {
            rows.add(List.of("test " + metric.getKey(), metric.getValue().isNumber()
                    ? Output.number(metric.getValue().asDouble()) : Output.number(null)));
        }
        if (summary.path("testRows").isObject()) {
            rows.add(List.of("test rows", summary.path("testRows").path("count").asLong() + " (ids sha256 "
                    + abbreviate(summary.path("testRows").path("sha256").asText()) + ")"));
        }
        JsonNode champion = summary.path("champion");
        if (champion.isObject() && champion.has("version")) {
            rows.add(List.of("compared with", "champion v" + champion.path("version").asInt() + " on "
                    + summary.path("comparedRows").path("count").asLong() + " test rows neither model trained on"));
        }
        if (summary.path("gate").has("verdict")) {
            rows.add(List.of("gate verdict", summary.path("gate").path("verdict").asText()));
        }
        for (JsonNode reason : summary.path("gate").path("reasons")) {
            rows.add(List.of("gate", reason.asText()));
        }
        if (summary.hasNonNull("rejection")) {
            rows.add(List.of("rejected", summary.path("rejection").asText()));
        }
        if (summary.path("status").asText().equals(ExecutionStatus.ABORTED.name())) {
            rows.add(List.of("✗ stopped", Output.stoppedCause(summary.path("cause").asText(null))));
        } else if (summary.has("error")) {
            String error = summary.path("error").asText(null);
            rows.add(List.of("✗ failed", Output.failure(Output.shortError(error), summary.path("cause").asText(null))));
            if (OutOfMemory.named(error)) {
                rows.add(List.of("what to do", OutOfMemory.advice()));
            }
        }
        rows.add(List.of("wall time", String.format("%.1f s", summary.path("seconds").asDouble())));
        Output.table(List.of("", ""), rows);
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
