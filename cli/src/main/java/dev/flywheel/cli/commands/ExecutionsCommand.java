package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.TextFiles;
import dev.flywheel.cli.Workspace;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.StepFunctionsExecutions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.json.Json;
import dev.flywheel.json.JsonFormatException;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.lambda.LambdaErrors;
import dev.flywheel.cli.Interruption;
import dev.flywheel.statemachines.runtime.InvalidDefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "executions", mixinStandardHelpOptions = true, description = "Run any state machine definition; list, show and stop executions.",
        subcommands = {ExecutionsCommand.Start.class, ExecutionsCommand.ListExecutions.class, ExecutionsCommand.Show.class,
                ExecutionsCommand.Abort.class, ExecutionsCommand.Stop.class})
public final class ExecutionsCommand {

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Run a state machine definition (ours or yours) in the embedded runtime. Task states can call "
                    + "Flywheel's functions through the $${IngestFunctionArn}-style placeholders.")
    public static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--definition", required = true, paramLabel = "FILE", description = "An Amazon States Language file.")
        Path definition;
        @Option(names = "--input", paramLabel = "JSON|@FILE", defaultValue = "{}",
                description = "Execution input: JSON text, or @ and the path of a JSON file (default: {}).")
        String input;
        @Option(names = "--name", paramLabel = "NAME", description = "State machine name (default: the file name).")
        String name;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() throws IOException {
            String text = readText(spec, "--definition", definition, "an Amazon States Language file (JSON)");
            JsonNode inputJson = input(spec, input);
            String machine = name != null ? name : definition.getFileName().toString().replaceFirst("(\\.asl)?\\.json$", "");
            try (Workspace workspace = Workspace.open(common().home());
                 var notice = Interruption.notice()) {
                ExecutionListener progress = common().json() ? ExecutionListener.none()
                        : new Progress(System.err, Progress.homeOption(common().home()));
                ExecutionResult result;
                try {
                    result = workspace.runtime().run(machine, text, inputJson, progress);
                } catch (InvalidDefinitionException e) {
                    throw new ParameterException(spec.commandLine(), "--definition " + definition + ": "
                            + e.getMessage());
                }
                ObjectNode out = Json.object();
                out.put("executionId", result.executionId());
                out.put("status", result.status().name());
                out.set("output", result.output());
                out.put("error", result.error());
                out.put("cause", result.cause());
                out.put("errorMessage", LambdaErrors.message(result.cause()));
                ArrayNode events = out.putArray("events");
                result.events().stream().map(HistoryEvent::type).forEach(events::add);
                if (common().json()) {
                    Output.json(out);
                } else {
                    System.out.println(result.status() + " " + result.executionId());
                    if (result.output() != null) {
                        System.out.println(Json.writePretty(result.output()));
                    } else {
                        System.out.println("✗ " + (result.status() == ExecutionStatus.ABORTED
                                ? Output.ending(result.status(), null, result.cause())
                                : "failed: " + Output.failure(Output.shortError(result.error()), result.cause())));
                    }
                }
                return result.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
            }
        }

        /** The execution input from {@code --input}: JSON text, or the JSON file after an @. */
        private static JsonNode input(CommandSpec spec, String input) throws IOException {
            if (input.startsWith("@")) {
                if (input.length() == 1) {
                    throw new ParameterException(spec.commandLine(), "--input @: name a file after the @");
                }
                String text = readText(spec, "--input", Path.of(input.substring(1)), "a JSON file");
                try {
                    return Json.tree(text);
                } catch (JsonFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--input " + input + ": " + e.getMessage());
                }
            }
            try {
                return Json.tree(input);
            } catch (JsonFormatException e) {
                boolean aFile = Files.isRegularFile(Path.of(input));
                throw new ParameterException(spec.commandLine(), "--input: " + e.getMessage()
                        + (aFile ? "; to read the file " + input + ", write --input @" + input
                        : "; give JSON text, or @ and a file's path"));
            }
        }
    }

    /** The file, or a usage error that says what is wrong with the path. */
    static Path readableFile(CommandSpec spec, String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + " is a folder: name a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no such file");
        }
        return file;
    }

    /**
     * The text of the file an option names, or a usage error that names the option and the file: no such file, a
     * folder, or not UTF-8 text ({@code expected} says what it should be: "a JSON file").
     */
    static String readText(CommandSpec spec, String option, Path file, String expected) {
        try {
            return TextFiles.read(readableFile(spec, option, file), expected);
        } catch (InvalidInputException e) {
            throw new ParameterException(spec.commandLine(), option + " " + e.getMessage());
        }
    }

    /** {@code value}, or a usage error when it is empty or blank ({@code what}: "give the execution's ID ..."). */
    static String given(CommandSpec spec, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ParameterException(spec.commandLine(), what + ", not an empty one");
        }
        return value.strip();
    }

    /** An execution ID, given: its name or ARN. */
    static String executionId(CommandSpec spec, String id) {
        return given(spec, id, "give the execution's ID: its name as `executions list` prints it, or its ARN");
    }

    /** A usage error unless {@code text} is at most {@code max} characters: Step Functions would refuse it. */
    static void atMost(CommandSpec spec, String option, String text, int max) {
        int length = text.codePointCount(0, text.length());
        if (length > max) {
            throw new ParameterException(spec.commandLine(), String.format(java.util.Locale.ROOT, "%s is %,d "
                    + "characters long: Step Functions takes at most %,d", option, length, max));
        }
    }

    /** RUNNING, ABANDONED (running, but its process is gone) or how it ended. */
    static String status(ExecutionRecord execution) {
        return execution.abandoned() ? "ABANDONED" : execution.status().name();
    }

    static JsonNode json(ExecutionRecord execution) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.toTree(execution);
        node.put("abandoned", execution.abandoned());
        return node;
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Record an execution whose process is gone (killed, out of memory) as aborted, with its "
                    + "unfinished runs as failed.")
    public static final class Abort implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID", arity = "0..1", description = "The execution id, as `executions list` prints it.")
        String id;
        @Option(names = "--abandoned", description = "Every execution whose process is gone, instead of one ID.")
        boolean abandoned;

        @Override
        public Integer call() {
            if ((id == null) == !abandoned) {
                throw new ParameterException(spec.commandLine(), "give an execution ID or --abandoned");
            }
            if (id != null) {
                id = executionId(spec, id);
            }
            CommonOptions common = CommonOptions.of(spec);
            try (Workspace workspace = Workspace.openExisting(common.home())) {
                var executions = workspace.stores().registries().executions();
                List<ExecutionRecord> targets = id != null ? List.of(executions.summary(id).orElseThrow(() ->
                        new dev.flywheel.registry.NotFoundException("no execution with id '" + id + "'")))
                        : executions.list(0).stream().filter(ExecutionRecord::abandoned).toList();
                var aborted = Json.mapper().createArrayNode();
                for (ExecutionRecord execution : targets) {
                    if (execution.status().isTerminal()) {
                        throw new IllegalStateException("execution " + execution.id() + " ended already ("
                                + execution.status() + "): there is nothing to abort");
                    }
                    if (!execution.abandoned()) {
                        throw new IllegalStateException("execution " + execution.id() + " is still running in its "
                                + (execution.owner() == null ? "process" : execution.owner().describe())
                                + ": stop that process (Ctrl-C), which records it as aborted");
                    }
                    aborted.add(abortAbandoned(workspace, execution, common.json()));
                }
                if (common.json()) {
                    Output.json(aborted);
                } else if (targets.isEmpty()) {
                    System.out.println("no abandoned execution");
                }
                return 0;
            }
        }
    }

    /**
     * Records an execution whose process is gone as aborted and fails its unfinished runs; says so unless
     * {@code quiet}; returns {@code executionId}, {@code status} and {@code runsFailed}.
     */
    static ObjectNode abortAbandoned(Workspace workspace, ExecutionRecord execution, boolean quiet) {
        String cause = "aborted by hand: its " + execution.owner().describe() + " was gone";
        ExecutionRecord done = workspace.stores().registries().executions().abort(execution.id(), cause,
                java.time.Instant.now());
        int runs = workspace.stores().registries().runs().failUnfinished(null, execution.id(),
                "aborted: the execution's process was gone", java.time.Instant.now());
        if (!quiet) {
            System.out.println("aborted " + done.id() + (runs > 0 ? " and failed its " + runs
                    + " unfinished run(s)" : ""));
        }
        return Json.object().put("executionId", done.id()).put("status", done.status().name()).put("runsFailed", runs);
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stop a running execution of the deployed training pipeline or drift monitor "
                    + "(FLYWHEEL_MODE=aws): Step Functions' StopExecution; it ends ABORTED. Another state machine's "
                    + "execution, or a child of their Distributed Map, is refused.",
                    "A local execution runs inside the flywheel process that started it: Ctrl-C there stops it "
                            + "(one whose process is gone is recorded as aborted here, as `executions abort` does)."})
    public static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "The execution: its id as `executions list` prints it "
                + "(deployed: its name), or its ARN.")
        String id;
        @Option(names = "--cause", paramLabel = "TEXT", defaultValue = "stopped with flywheel executions stop",
                description = "Why, kept with the execution as its cause, up to 32,768 characters (default: "
                        + "${DEFAULT-VALUE}).")
        String cause;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            id = executionId(spec, id);
            atMost(spec, "--cause", cause, RemoteExecutions.MAX_CAUSE);
            FlywheelConfig config = ApprovalCommands.config(common());
            if (config.mode() == FlywheelConfig.Mode.AWS) {
                DeployedExecutions.refusedToStop(config, id).ifPresent(why -> {
                    throw new ParameterException(spec.commandLine(), why);
                });
                try (RemoteExecutions remote = StepFunctionsExecutions.create(config)) {
                    RemoteExecutions.Execution stopped = DeployedExecutions.stop(remote, config, id, cause);
                    if (common().json()) {
                        Output.json(DeployedExecutions.json(stopped, null));
                    } else {
                        System.out.println("stopped " + stopped.executionArn() + ": " + stopped.status()
                                + (stopped.stoppedAt() == null ? "" : " at " + stopped.stoppedAt()));
                    }
                    return 0;
                }
            }
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                ExecutionRecord execution = workspace.stores().registries().executions().summary(id).orElseThrow(() ->
                        new dev.flywheel.registry.NotFoundException("no execution with id '" + id + "' (`flywheel "
                                + "executions list` lists them)"));
                if (execution.status().isTerminal()) {
                    throw new IllegalStateException("execution " + id + " ended already (" + execution.status()
                            + "): there is nothing to stop");
                }
                if (!execution.abandoned()) {
                    throw new ParameterException(spec.commandLine(), "execution " + id + " runs inside the flywheel "
                            + "process that started it" + (execution.owner() == null ? ""
                            : " (" + execution.owner().describe() + ")") + ": stop it there with Ctrl-C (or SIGTERM), "
                            + "which records it as ABORTED; `executions stop` stops deployed executions "
                            + "(FLYWHEEL_MODE=aws)");
                }
                ObjectNode aborted = abortAbandoned(workspace, execution, common().json());
                if (common().json()) {
                    Output.json(aborted);
                }
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Executions, newest first (with "
            + "FLYWHEEL_MODE=aws: the deployed training pipeline's and drift monitor's, from Step Functions).")
    public static final class ListExecutions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
                description = "At most this many executions (default: ${DEFAULT-VALUE}).")
        int limit;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
            }
            FlywheelConfig config = ApprovalCommands.config(common());
            if (config.mode() == FlywheelConfig.Mode.AWS) {
                try (RemoteExecutions remote = StepFunctionsExecutions.create(config)) {
                    return DeployedExecutions.printList(remote, config, limit, common().json(), System.out);
                }
            }
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                List<ExecutionRecord> executions = workspace.stores().registries().executions().list(limit);
                if (common().json()) {
                    Output.json(executions.stream().map(ExecutionsCommand::json).toList());
                } else {
                    Output.table(List.of("EXECUTION", "STATE MACHINE", "STATUS", "STARTED", "ERROR"),
                            executions.stream().map(e -> List.of(e.id(), e.stateMachine(), status(e),
                                    e.startedAt().toString(), e.error() == null ? "" : e.error())).toList());
                    if (executions.stream().anyMatch(ExecutionRecord::abandoned)) {
                        System.out.println("\nABANDONED: its process is gone (killed, out of memory), so it will never "
                                + "end by itself; `flywheel executions abort ID` (or --abandoned) records it as aborted.");
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One execution with its event history.")
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "The execution id, as `executions list` prints it (with "
                + "FLYWHEEL_MODE=aws: an execution's name or ARN).")
        String id;
        @Option(names = "--follow", description = "With FLYWHEEL_MODE=aws: follow the execution to its end with the "
                + "step lines of `pipeline run --deployed` / `drift run --deployed`, then print their summary (for "
                + "another state machine's execution, its status); exit 0 when it succeeded, else 1. A local "
                + "execution is followed by the flywheel process that runs it.")
        boolean follow;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            id = executionId(spec, id);
            FlywheelConfig config = ApprovalCommands.config(common());
            if (config.mode() == FlywheelConfig.Mode.AWS) {
                try (RemoteExecutions remote = StepFunctionsExecutions.create(config)) {
                    return follow ? DeployedRuns.followToEnd(remote, config, id, common().json())
                            : DeployedExecutions.printShow(remote, config, id, common().json(), System.out);
                }
            }
            if (follow) {
                throw new ParameterException(spec.commandLine(), "--follow follows a deployed execution "
                        + "(FLYWHEEL_MODE=aws): a local execution runs inside the flywheel process that started it, "
                        + "which prints its steps; `flywheel executions show " + id + "` reads its history so far");
            }
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                ExecutionRecord execution = workspace.stores().registries().executions().get(id);
                if (common().json()) {
                    Output.json(json(execution));
                    return 0;
                }
                System.out.println(execution.id() + "  " + execution.stateMachine() + "  " + status(execution));
                if (execution.abandoned()) {
                    System.out.println("its " + execution.owner().describe() + " is gone: it will never end by "
                            + "itself; `flywheel executions abort " + execution.id() + "` records it as aborted");
                } else if (execution.status() == dev.flywheel.domain.ExecutionStatus.RUNNING) {
                    waitingToken(execution).ifPresent(token -> System.out.println("waiting for approval: "
                            + "flywheel approve " + token + " " + Progress.homeOption(common().home())
                            + " (or flywheel reject ...)"));
                }
                printEnding(System.out, execution.status().name(), execution.error(), execution.cause());
                Output.table(List.of("#", "TIME", "EVENT", "STATE", "DETAIL"), execution.events().stream()
                        .map(e -> List.of(Long.toString(e.id()), e.timestamp().toString(), e.type(),
                                e.details() == null ? "" : e.details().path("name").asText(""), detail(e))).toList());
                return 0;
            }
        }

        /** The task token of a callback the execution still waits on, if any. */
        private static java.util.Optional<String> waitingToken(ExecutionRecord execution) {
            String token = null;
            for (ExecutionEvent event : execution.events()) {
                JsonNode d = event.details();
                if (event.type().equals("TaskScheduled") && d != null
                        && d.path("resource").asText().endsWith(".waitForTaskToken")) {
                    token = d.path("parameters").path("Payload").path("taskToken").asText(null);
                } else if (event.type().equals("TaskSucceeded") || event.type().equals("TaskFailed")
                        || event.type().equals("TaskTimedOut")) {
                    token = null;
                }
            }
            return java.util.Optional.ofNullable(token);
        }

        private static String detail(ExecutionEvent event) {
            return event.details() == null ? "" : eventDetail(event.details());
        }
    }

    /**
     * How an execution ended, under its headline in {@code executions show}: a stopped (ABORTED) one "stopped: CAUSE"
     * or "stopped (no cause given)"; one with an error, the error and the cause; nothing else.
     */
    static void printEnding(java.io.PrintStream out, String status, String error, String cause) {
        if (ExecutionStatus.ABORTED.name().equals(status)) {
            out.println(Output.ending(ExecutionStatus.ABORTED, error, cause));
        } else if (error != null) {
            out.println("error: " + error + "\ncause: " + cause);
        }
    }

    /** An event's detail column: a retry, a caught error, an error, or nothing (local and deployed alike). */
    static String eventDetail(JsonNode d) {
        if (d.has("retry")) {
            return "retry " + d.path("retry").path("attempt").asInt() + " after " + d.path("retry").path("error").asText();
        }
        if (d.has("caught")) {
            return "caught " + d.path("caught").path("error").asText();
        }
        if (d.has("error")) {
            return d.path("error").asText();
        }
        return "";
    }
}
