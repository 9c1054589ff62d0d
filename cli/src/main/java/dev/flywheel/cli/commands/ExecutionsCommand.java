package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.runtime.ExecutionListener;
import dev.flywheel.cli.runtime.ExecutionResult;
import dev.flywheel.cli.runtime.ExecutionStatus;
import dev.flywheel.cli.runtime.HistoryEvent;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

@Command(name = "executions", mixinStandardHelpOptions = true, description = "Run any state machine definition; list and show executions.",
        subcommands = {ExecutionsCommand.Start.class, ExecutionsCommand.ListExecutions.class, ExecutionsCommand.Show.class})
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
            String text = Files.readString(readableFile(spec, "--definition", definition), StandardCharsets.UTF_8);
            JsonNode inputJson = Json.tree(input.startsWith("@")
                    ? Files.readString(readableFile(spec, "--input", Path.of(input.substring(1))), StandardCharsets.UTF_8)
                    : input);
            String machine = name != null ? name : definition.getFileName().toString().replaceFirst("(\\.asl)?\\.json$", "");
            try (Workspace workspace = Workspace.open(common().home())) {
                ExecutionListener progress = common().json() ? ExecutionListener.none() : new Progress(System.err);
                ExecutionResult result = workspace.runtime().run(machine, text, inputJson, progress);
                ObjectNode out = Json.object();
                out.put("executionId", result.executionId());
                out.put("status", result.status().name());
                out.set("output", result.output());
                out.put("error", result.error());
                out.put("cause", result.cause());
                ArrayNode events = out.putArray("events");
                result.events().stream().map(HistoryEvent::type).forEach(events::add);
                if (common().json()) {
                    Output.json(out);
                } else {
                    System.out.println(result.status() + " " + result.executionId());
                    if (result.output() != null) {
                        System.out.println(Json.writePretty(result.output()));
                    } else {
                        System.out.println(result.error() + ": " + result.cause());
                    }
                }
                return result.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
            }
        }
    }

    /** The file, or a usage error that says what is wrong with the path. */
    private static Path readableFile(CommandSpec spec, String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + " is a folder: name a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + ": no such file");
        }
        return file;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Executions, newest first.")
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
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                List<ExecutionRecord> executions = workspace.stores().registries().executions().list(limit);
                if (common().json()) {
                    Output.json(executions);
                } else {
                    Output.table(List.of("EXECUTION", "STATE MACHINE", "STATUS", "STARTED", "ERROR"),
                            executions.stream().map(e -> List.of(e.id(), e.stateMachine(), e.status().name(),
                                    e.startedAt().toString(), e.error() == null ? "" : e.error())).toList());
                }
                return 0;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One execution with its event history.")
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "The execution id, as `executions list` prints it.")
        String id;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                ExecutionRecord execution = workspace.stores().registries().executions().get(id);
                if (common().json()) {
                    Output.json(execution);
                    return 0;
                }
                System.out.println(execution.id() + "  " + execution.stateMachine() + "  " + execution.status());
                if (execution.error() != null) {
                    System.out.println("error: " + execution.error() + "\ncause: " + execution.cause());
                }
                Output.table(List.of("#", "TIME", "EVENT", "STATE", "DETAIL"), execution.events().stream()
                        .map(e -> List.of(Long.toString(e.id()), e.timestamp().toString(), e.type(),
                                e.details() == null ? "" : e.details().path("name").asText(""), detail(e))).toList());
                return 0;
            }
        }

        private static String detail(ExecutionEvent event) {
            JsonNode d = event.details();
            if (d == null) {
                return "";
            }
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
}
