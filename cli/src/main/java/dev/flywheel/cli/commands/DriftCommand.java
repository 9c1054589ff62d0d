package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.DriftRunner;
import dev.flywheel.cli.Interruption;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.TrainingData;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.RemoteRuns;
import dev.flywheel.cli.remote.StepFunctionsExecutions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.cli.serving.ApiGatewayProxy;
import dev.flywheel.cli.serving.InstanceFile;
import dev.flywheel.cli.serving.ModelInputs;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Require;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.functions.inference.InferenceHandler;
import dev.flywheel.json.Json;
import dev.flywheel.json.JsonFormatException;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftPolicy;
import dev.flywheel.monitoring.DriftSteps;
import dev.flywheel.monitoring.WindowProfile;
import dev.flywheel.monitoring.report.DriftDocument;
import dev.flywheel.serving.Prediction;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import java.awt.Desktop;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Drift monitoring: score a file, run the drift-monitor state machine over captured traffic, read reports. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Drift monitoring: score a file or captured traffic against a model's training baseline.",
        subcommands = {DriftCommand.Score.class, DriftCommand.Run.class, DriftCommand.Reports.class,
                DriftCommand.Report.class})
public final class DriftCommand {
    private DriftCommand() {
    }

    /** Options every scoring subcommand shares. */
    static DriftPolicy policy(CommandSpec spec, Path file) {
        if (file == null) {
            return DriftPolicy.DEFAULTS;
        }
        String text = ExecutionsCommand.readText(spec, "--policy", file, "a JSON file");
        try {
            return Json.read(text, DriftPolicy.class);
        } catch (JsonFormatException | dev.flywheel.domain.InvalidInputException e) {
            throw new ParameterException(spec.commandLine(), "--policy " + file + ": " + e.getMessage()
                    .replaceFirst("^not a valid DriftPolicy: ", ""));
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = {"Score a CSV or JSON Lines file against a model version's baseline (a batch).",
                    "Predictions come from the inference function's handler, as the API would answer; a target "
                            + "column, when the file has one, also measures performance. The report is kept "
                            + "(flywheel drift reports NAME)."})
    public static final class Score implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The model.")
        String name;
        @Option(names = "--data", required = true, paramLabel = "FILE", description = "CSV with a header, or JSON Lines.")
        Path data;
        @Option(names = "--model-version", paramLabel = "N", description = "The version (default: the champion).")
        Integer version;
        @Option(names = "--html", paramLabel = "FILE", description = "Also write the HTML report to FILE.")
        Path html;
        @Option(names = "--policy", paramLabel = "FILE", description = "Thresholds (JSON; see docs/monitoring.md).")
        Path policyFile;

        @Override
        public Integer call() throws IOException {
            CommonOptions common = CommonOptions.of(spec);
            DriftPolicy policy = policy(spec, policyFile);
            ExecutionsCommand.readableFile(spec, "--data", data);
            if (html != null) {
                checkHtmlTarget(spec, html);
            }
            try (Workspace workspace = Workspace.openExisting(common.home());
                 InferenceService service = new InferenceService(workspace.stores(), Clock.systemUTC(),
                         ServingConfig.defaults().withCapture(0, 500, 60))) {
                DriftMonitor monitor = new DriftMonitor(workspace.stores(), Clock.systemUTC());
                ModelVersion model = monitor.version(name, version, null);
                WindowProfile window = monitor.window(model);
                InferenceHandler handler = new InferenceHandler(service, null);
                String path = "/models/" + ApiGatewayProxy.encode(name);
                Map<String, String> pinned = Map.of("version", Integer.toString(model.version()));
                ApiGatewayProxy.Reply described = ApiGatewayProxy.call(handler, "GET", path, pinned, null);
                if (described.status() != 200) {
                    throw new PredictCommand.PredictionException(described.error());
                }
                ModelInputs inputs = ModelInputs.from(described.json());
                long labelled = 0;
                try (InstanceFile file = InstanceFile.open(data, inputs)) {
                    if (!common.json() && !file.ignoredColumns().isEmpty()) {
                        System.err.println("flywheel: leaving out the columns " + inputs.shown() + " does not take: "
                                + String.join(", ", file.ignoredColumns()));
                    }
                    List<InstanceFile.Instance> batch = new ArrayList<>();
                    while (file.hasNext()) {
                        batch.add(file.next());
                        if (batch.size() == PredictCommand.MAX_BATCH || !file.hasNext()) {
                            labelled += score(handler, path, pinned, batch, window);
                            batch.clear();
                        }
                    }
                }
                DriftSteps.Scored scored = monitor.scoreBatch(model, window, policy, "batch " + data.getFileName());
                DriftDocument document = monitor.document(scored.reportId());
                if (html != null) {
                    writeHtml(spec, html, dev.flywheel.monitoring.report.HtmlReport.render(document));
                }
                if (common.json()) {
                    Output.json(document);
                } else {
                    printDocument(document, scored.verdict(), html != null ? html : localPath(scored.reportUri()));
                    if (labelled == 0 && document.performance() == null) {
                        System.err.println("(no row had a '" + inputs.target() + "' value: performance was not "
                                + "measured)");
                    }
                }
                return 0;
            }
        }

        /** Predicts a batch through the handler and adds rows, predictions and (with a target) outcomes. */
        private long score(InferenceHandler handler, String path, Map<String, String> pinned,
                           List<InstanceFile.Instance> batch, WindowProfile window) {
            StringBuilder body = new StringBuilder("{\"instances\":[");
            for (int i = 0; i < batch.size(); i++) {
                body.append(i == 0 ? "" : ",").append(Json.write(batch.get(i).values()));
            }
            body.append("]}");
            ApiGatewayProxy.Reply reply = ApiGatewayProxy.call(handler, "POST", path + "/predict", pinned,
                    body.toString());
            if (reply.status() != 200) {
                throw new PredictCommand.PredictionException(PredictCommand.located(data, reply.error(), batch));
            }
            JsonNode predictions = reply.json().path("predictions");
            long labelled = 0;
            for (int i = 0; i < batch.size(); i++) {
                InstanceFile.Instance instance = batch.get(i);
                Prediction prediction = Json.convert(predictions.get(i), Prediction.class);
                @SuppressWarnings("unchecked")
                Map<String, Object> values = Json.convert(instance.values(), Map.class);
                window.add(values, null);
                window.addPrediction(prediction);
                if (instance.target() != null && !instance.target().isBlank()) {
                    Double number = dev.flywheel.data.Values.number(instance.target());
                    if (window.addOutcome(prediction, instance.target(), number)) {
                        labelled++;
                    }
                }
            }
            return labelled;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run the drift-monitor state machine over a model's captured traffic.",
                    "The same definition Step Functions runs: plan the window, profile its capture batches (a Map), "
                            + "score and report, decide, and on drift start the training pipeline (with "
                            + "--retrain-input), under a cooldown. With --deployed the deployed drift monitor runs "
                            + "it, followed here."})
    public static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The model.")
        String name;
        @Option(names = "--since", paramLabel = "TIME", description = "Window start, ISO-8601 (default: --hours before --until).")
        String since;
        @Option(names = "--until", paramLabel = "TIME", description = "Window end, ISO-8601 (default: now).")
        String until;
        @Option(names = "--hours", paramLabel = "N",
                description = "Window length in whole hours when --since is not given (default: 24).")
        Integer hours;
        @Option(names = "--model-version", paramLabel = "N",
                description = "Score against this version's baseline (default: the champion's).")
        Integer version;
        @Option(names = "--policy", paramLabel = "FILE", description = "Thresholds (JSON; see docs/monitoring.md).")
        Path policyFile;
        @Option(names = "--retrain-input", paramLabel = "FILE",
                description = "The training pipeline input to start on drift (as for `executions start`); its "
                        + "ingest is replaced by the window's captures that got feedback (dataset <model>-captures) "
                        + "unless --retrain-data names the data. Without it drift is reported and recorded, and "
                        + "nothing retrains. Checked before anything starts: a JSON object of the pipeline input's "
                        + "fields only, whose model, if given, is NAME; with --retrain-data, ingest.dataset names "
                        + "the dataset to ingest the data as.")
        Path retrainInput;
        @Option(names = "--retrain-data", paramLabel = "URI",
                description = "The data to retrain on (default: the window's captures that got feedback). With "
                        + "--deployed an s3:// URI in the artifact bucket, or a local file, uploaded there first.")
        String retrainData;
        @Option(names = "--cooldown-hours", paramLabel = "H", description = "No second retraining within H hours (default: 24).")
        Double cooldownHours;
        @Option(names = "--deployed",
                description = "Run the deployed drift monitor (Step Functions, FLYWHEEL_MODE=aws and "
                        + "FLYWHEEL_DRIFT_STATE_MACHINE_ARN) instead of this machine, and follow it here.")
        boolean deployed;

        @Override
        public Integer call() throws IOException {
            CommonOptions common = CommonOptions.of(spec);
            ObjectNode input = input();
            if (deployed) {
                return runDeployed(common, input);
            }
            try (Workspace workspace = Workspace.openExisting(common.home()); var notice = Interruption.notice()) {
                check(workspace.stores(), input);
                ExecutionListener progress = common.json() ? ExecutionListener.none()
                        : new Progress(System.err, Progress.homeOption(common.home()));
                return finish(DriftRunner.run(workspace, input, progress), common.json());
            }
        }

        /**
         * The monitor's input from the options ({@link DriftSteps.MonitorInput}'s fields), each option checked: the
         * same for a local and a deployed run, before anything starts. With {@code --deployed} a local
         * {@code --retrain-data} file stays a path here; {@link #runDeployed} uploads it.
         */
        private ObjectNode input() throws IOException {
            java.time.Instant from = instant("--since", since);
            java.time.Instant to = instant("--until", until);
            if (from != null && to != null && !from.isBefore(to)) {
                throw new ParameterException(spec.commandLine(), "--since (" + since + ") must be before --until ("
                        + until + ")");
            }
            if (hours != null && hours < 1) {
                throw new ParameterException(spec.commandLine(), "--hours must be at least 1, got " + hours);
            }
            if (cooldownHours != null && !(cooldownHours >= 0)) {
                throw new ParameterException(spec.commandLine(), "--cooldown-hours must be 0 or more, got "
                        + cooldownHours);
            }
            ObjectNode input = Json.object().put("model", name);
            if (since != null) {
                input.put("since", since);
            }
            if (until != null) {
                input.put("until", until);
            }
            if (hours != null) {
                input.put("windowHours", hours);
            }
            if (version != null) {
                input.put("version", version);
            }
            if (cooldownHours != null) {
                input.put("cooldownHours", cooldownHours);
            }
            if (policyFile != null) {
                input.set("policy", Json.toTree(policy(spec, policyFile)));
            }
            if (retrainInput != null) {
                JsonNode pipeline;
                try {
                    pipeline = Json.tree(ExecutionsCommand.readText(spec, "--retrain-input", retrainInput,
                            "a JSON file"));
                } catch (JsonFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--retrain-input " + retrainInput + ": "
                            + e.getMessage().replaceAll("\\s*\\(start marker at \\[Source: [^]]*\\]", "")
                            .replaceAll("\\[Source: [^;]*; ", "["));
                }
                checkRetrainInput(pipeline);
                ObjectNode retrain = input.putObject("retrain");
                retrain.set("pipelineInput", pipeline);
                if (retrainData != null) {
                    retrain.put("source", deployed ? deployedData(retrainData, pipeline) : dataUri(retrainData,
                            pipeline));
                }
            } else if (retrainData != null) {
                throw new ParameterException(spec.commandLine(), "--retrain-data needs --retrain-input");
            }
            return input;
        }

        /**
         * What the retraining needs of {@code --retrain-input}, checked now rather than at the first drift (days
         * later, on AWS): a training pipeline input ({@link PipelineRunner#checkInput}) that trains the monitored
         * model (the decide step refuses another; left out, it is filled in), and, when {@code --retrain-data} names
         * the data, the dataset to ingest it as (without it, the captures are ingested as {@code <model>-captures}).
         */
        private void checkRetrainInput(JsonNode pipeline) {
            String problem = null;
            try {
                PipelineRunner.checkInput(pipeline);
                String model = pipeline.path("model").asText(name);
                if (!model.equals(name)) {
                    problem = "it trains model '" + model + "', not the monitored '" + name + "': a drift retrains "
                            + "the model that drifted (write \"model\": \"" + name + "\", or leave model out)";
                } else if (retrainData != null) {
                    Require.name(pipeline.path("ingest").path("dataset").asText(null), "ingest.dataset");
                }
            } catch (dev.flywheel.domain.InvalidInputException e) {
                problem = e.getMessage();
            } catch (InvalidRecordException e) {
                problem = e.getMessage() + " (with --retrain-data, name the dataset the data is ingested as: "
                        + "{\"ingest\": {\"dataset\": \"NAME\", \"target\": \"COLUMN\"}})";
            }
            if (problem != null) {
                throw new ParameterException(spec.commandLine(), "--retrain-input " + retrainInput + ": " + problem);
            }
        }

        /**
         * An unknown model, one without a champion or a policy naming no feature of it, and a retraining on
         * {@code --retrain-data} into a new dataset whose target is not named: said before anything starts.
         */
        private void check(Stores stores, ObjectNode input) {
            try {
                new DriftMonitor(stores, Clock.systemUTC()).check(Json.convert(input, DriftSteps.MonitorInput.class));
            } catch (dev.flywheel.domain.InvalidInputException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            JsonNode ingest = input.path("retrain").path("pipelineInput").path("ingest");
            String dataset = ingest.path("dataset").asText();
            if (input.path("retrain").has("source") && ingest.path("target").asText("").isBlank()
                    && stores.registries().datasets().latest(dataset).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--retrain-input " + retrainInput + ": ingest.target "
                        + "must name the column to predict: the dataset '" + dataset + "' has no version yet, and "
                        + "its first one needs its target");
            }
        }

        /** A local --retrain-data file, checked as the deployed pipeline's --data is ({@link TrainingData}). */
        private Path retrainFile(String text, JsonNode pipeline) {
            Path file = ExecutionsCommand.readableFile(spec, "--retrain-data", Path.of(text));
            JsonNode ingest = pipeline.path("ingest");
            try {
                TrainingData.check(file, ingest.path("target").asText(null), strings(ingest.path("exclude")),
                        strings(ingest.path("id")));
            } catch (dev.flywheel.domain.InvalidInputException e) {
                throw new ParameterException(spec.commandLine(), "--retrain-data " + e.getMessage());
            }
            return file;
        }

        private static List<String> strings(JsonNode array) {
            List<String> values = new ArrayList<>();
            array.forEach(v -> values.add(v.asText()));
            return values;
        }

        /**
         * The deployed drift monitor: the input checked against the deployed stores, a local --retrain-data file
         * uploaded, StartExecution, and the execution followed with the local run's step lines and outcome.
         */
        private int runDeployed(CommonOptions common, ObjectNode input) {
            FlywheelConfig config = DeployedRuns.config(spec, DeployedRuns.Machine.DRIFT);
            try (Stores stores = AwsStores.open(config, Clock.systemUTC());
                 RemoteExecutions remote = StepFunctionsExecutions.create(config)) {
                check(stores, input);
                if (input.path("retrain").has("source")) {
                    ((ObjectNode) input.get("retrain")).put("source", DeployedRuns.source(spec, "--retrain-data",
                            retrainData, stores.artifacts(), common.json()));
                }
                String executionArn = RemoteRuns.start(remote, DeployedRuns.Machine.DRIFT.arn(config), input);
                DeployedRuns.started(executionArn, "Running the deployed drift monitor over the captures of model "
                        + name, common.json());
                return finish(new DriftRunner.Outcome(DeployedRuns.follow(remote, executionArn, common.json())),
                        common.json());
            }
        }

        private java.time.Instant instant(String option, String text) {
            if (text == null) {
                return null;
            }
            try {
                return java.time.Instant.parse(text.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), option + " must be an ISO-8601 instant like "
                        + "2026-12-01T09:00:00Z, got '" + text + "'");
            }
        }

        /** --retrain-data as ingest reads it: a URI, or a local file's path made one. */
        private String dataUri(String text, JsonNode pipeline) {
            if (text.contains("://")) {
                return text;
            }
            return retrainFile(text, pipeline).toAbsolutePath().normalize().toUri().toString();
        }

        /**
         * --retrain-data for the deployed pipeline, checked: an s3:// object (whether it is in the artifact bucket is
         * checked against the bucket), or a readable local file to upload; the deployed Ingest reads nothing else.
         */
        private String deployedData(String text, JsonNode pipeline) {
            if (text.startsWith("s3://")) {
                DeployedRuns.requireObject(spec, "--retrain-data", text);
                return text;
            }
            if (text.contains("://")) {
                throw new ParameterException(spec.commandLine(), "--retrain-data " + text + ": the deployed "
                        + "pipeline reads the artifact bucket only: give an s3:// URI there, or a local file to upload");
            }
            retrainFile(text, pipeline);
            return text;
        }
    }

    @Command(name = "reports", mixinStandardHelpOptions = true, description = "A model's drift reports and the monitor's decisions, newest first.")
    public static final class Reports implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The model.")
        String name;
        @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N of each (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            CommonOptions common = CommonOptions.of(spec);
            try (Workspace workspace = Workspace.openExisting(common.home())) {
                if (workspace.stores().registries().models().latest(name).isEmpty()) {
                    throw new dev.flywheel.registry.NotFoundException("there is no model '" + name
                            + "' (flywheel models list shows the registered ones)");
                }
                var registry = workspace.stores().registries().driftReports();
                List<DriftReport> reports = registry.list(name, limit);
                List<DriftDecision> decisions = registry.decisions(name, limit);
                if (common.json()) {
                    ObjectNode out = Json.object();
                    out.set("reports", Json.toTree(reports));
                    out.set("decisions", Json.toTree(decisions));
                    Output.json(out);
                    return 0;
                }
                if (reports.isEmpty()) {
                    System.out.println("no drift reports for model '" + name + "' yet: run `flywheel drift run "
                            + name + "` or `flywheel drift score " + name + " --data FILE`");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (DriftReport r : reports) {
                    long drifted = r.features().stream().filter(f -> f.drifted()).count();
                    rows.add(List.of(r.id(), r.createdAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
                            "v" + r.modelVersion(), Long.toString(r.sampleSize()),
                            drifted + "/" + r.features().size(), r.verdict() == null ? (r.drifted() ? "drift" : "no drift")
                                    : r.verdict()));
                }
                Output.table(List.of("REPORT", "CREATED", "VERSION", "ROWS", "DRIFTED", "VERDICT"), rows);
                if (!decisions.isEmpty()) {
                    System.out.println();
                    List<List<String>> d = new ArrayList<>();
                    for (DriftDecision decision : decisions) {
                        d.add(List.of(decision.at().toString().replaceFirst("\\.\\d+Z$", "Z"),
                                decision.action().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                                decision.reportId(), decision.reason()));
                    }
                    Output.table(List.of("DECIDED", "DECISION", "REPORT", "WHY"), d);
                }
                return 0;
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "One drift report: the verdict and every feature's statistics.")
    public static final class Report implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "The report's id (flywheel drift reports NAME).")
        String id;
        @Option(names = "--open", description = "Open the HTML report in the desktop's browser.")
        boolean open;
        @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report to FILE.")
        Path html;

        @Override
        public Integer call() throws IOException {
            CommonOptions common = CommonOptions.of(spec);
            try (Workspace workspace = Workspace.openExisting(common.home())) {
                DriftMonitor monitor = new DriftMonitor(workspace.stores(), Clock.systemUTC());
                DriftDocument document = monitor.document(id);
                DriftReport summary = workspace.stores().registries().driftReports().get(id);
                Path local = localHtml(workspace, summary, html, spec);
                if (common.json()) {
                    Output.json(document);
                } else {
                    printDocument(document, summary.verdict(), local);
                }
                if (open) {
                    open(local);
                }
                return 0;
            }
        }

        /**
         * The report's HTML as a local file: in this home (which may have been moved or copied since the report was
         * written), else a copy (or --html).
         */
        private static Path localHtml(Workspace workspace, DriftReport summary, Path html, CommandSpec spec)
                throws IOException {
            var store = workspace.stores().artifacts();
            String key = DriftMonitor.htmlKey(summary.model(), summary.id());
            Path here = localPath(store.uri(key));
            if (html == null && here != null) {
                return here;
            }
            try (InputStream in = store.get(key)) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                Path target = html != null ? html : Files.createTempFile("drift-report-", ".html");
                writeHtml(spec, target, text);
                return target;
            }
        }

        private static void open(Path file) {
            try {
                if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                    Desktop.getDesktop().browse(file.toUri());
                    return;
                }
            } catch (IOException | UnsupportedOperationException e) {
                // fall through: say where the file is
            }
            System.err.println("flywheel: no desktop browser to open it here; open " + file.toUri()
                    + " in a browser");
        }
    }

    /** Prints a monitor run's outcome (JSON, or for people); the exit code: 0 when it succeeded, else 1. */
    static int finish(DriftRunner.Outcome outcome, boolean json) {
        if (json) {
            Output.json(outcome.toJson());
        } else {
            outcome.print();
        }
        return outcome.execution().status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
    }

    /** Writes an HTML report where the user asked, or a usage error that says why it cannot be written there. */
    static void writeHtml(CommandSpec spec, Path file, String html) {
        checkHtmlTarget(spec, file);
        try {
            Files.writeString(file, html);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--html " + file + ": cannot write it ("
                    + e.getClass().getSimpleName().replace("Exception", "") + ")");
        }
    }

    /** A usage error unless {@code file} can be written: a file name in an existing folder. */
    static void checkHtmlTarget(CommandSpec spec, Path file) {
        if (Files.isDirectory(file)) {
            throw new ParameterException(spec.commandLine(), "--html " + file + " is a folder: name a file");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ParameterException(spec.commandLine(), "--html " + file + ": there is no folder " + parent);
        }
    }

    /** A file: URI as a path; null for any other URI (s3://). */
    static Path localPath(String uri) {
        return uri != null && uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : null;
    }

    /** The deciding statistic against its threshold: "p 0.27 (drifts < 0.05)", "0.063 (drifts ≥ 0.1)". */
    private static String verdictText(DriftDocument.FeatureResult f) {
        return switch (f.method()) {
            case "ks", "chi2" -> String.format(Locale.ROOT, "p %.2g (drifts < %.2g)", f.statistic(), f.threshold());
            case "missing" -> String.format(Locale.ROOT, "%+.3f (drifts |Δ| ≥ %.2g)", f.statistic(), f.threshold());
            default -> String.format(Locale.ROOT, "%.3g (drifts ≥ %.2g)", f.statistic(), f.threshold());
        };
    }

    /** The report for people: the verdict, then one line per feature. */
    static void printDocument(DriftDocument d, String verdict, Path html) {
        String shown = verdict != null ? verdict : d.drifted() ? "drift" : "no drift";
        System.out.println(shown.toUpperCase(Locale.ROOT) + "  " + d.model() + " v" + d.version() + ", "
                + d.rows() + " rows (" + d.source() + ")");
        for (String line : Output.wrap(d.reason(), Math.max(40, Output.terminalWidth() - 2))) {
            System.out.println("  " + line);
        }
        System.out.println();
        List<List<String>> rows = new ArrayList<>();
        List<DriftDocument.FeatureResult> all = new ArrayList<>(d.features());
        if (d.prediction() != null) {
            all.add(d.prediction());
        }
        for (DriftDocument.FeatureResult f : all) {
            rows.add(List.of(f.name(), f.type(), f.drifted() ? "DRIFT" : "-", f.method(),
                    verdictText(f),
                    f.ks() != null ? String.format(Locale.ROOT, "ks %.3f p %.2g psi %.3f w %.3f", f.ks(), f.pValue(),
                            f.psi(), f.wasserstein())
                            : f.chiSquarePValue() != null ? String.format(Locale.ROOT, "chi2 p %.2g js %.3f unseen %d",
                            f.chiSquarePValue(), f.jsDistance(), f.unseen()) : "",
                    String.format(Locale.ROOT, "%+.3f", f.missingRateChange())));
        }
        Output.table(List.of("FEATURE", "TYPE", "DRIFT", "METHOD", "DECIDED BY", "DETAILS", "MISSING Δ"), rows);
        System.out.println();
        System.out.println("report: " + d.id());
        System.out.println("html:   " + (html != null ? html.toAbsolutePath()
                : "(in the bucket: flywheel drift report " + d.id() + " --html FILE)"));
    }
}
