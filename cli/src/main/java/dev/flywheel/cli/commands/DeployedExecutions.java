package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.StepFunctionsHistory;
import dev.flywheel.cli.remote.TaskTokenRejectedException;
import dev.flywheel.config.ConfigException;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.json.Json;
import dev.flywheel.registry.NotFoundException;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@code executions list|show|stop} and {@code approve|reject} do with {@code FLYWHEEL_MODE=aws}: they read,
 * stop and answer the executions of the deployed state machines through Step Functions ({@link RemoteExecutions}),
 * and print them as the local commands print the embedded runtime's.
 */
public final class DeployedExecutions {
    /** The error a stopped execution ends with: the one {@code executions abort} records locally. */
    static final String STOPPED = "Flywheel.Aborted";

    private DeployedExecutions() {
    }

    /** The deployed state machines the configuration names: training first, then the drift monitor. */
    static List<String> stateMachines(FlywheelConfig config) {
        List<String> arns = new ArrayList<>();
        Optional.ofNullable(config.trainingStateMachineArn()).ifPresent(arns::add);
        Optional.ofNullable(config.driftStateMachineArn()).ifPresent(arns::add);
        if (arns.isEmpty()) {
            throw new ConfigException("with FLYWHEEL_MODE=aws the executions are Step Functions': set "
                    + FlywheelConfig.TRAINING_STATE_MACHINE_ARN + " and " + FlywheelConfig.DRIFT_STATE_MACHINE_ARN
                    + " (the stack outputs TrainingStateMachineArn and DriftMonitorStateMachineArn)");
        }
        return arns;
    }

    /** The last part of an ARN: a state machine's or an execution's name. */
    static String name(String arn) {
        return arn == null ? "" : arn.substring(arn.lastIndexOf(':') + 1);
    }

    /** The newest {@code limit} executions of the deployed state machines, newest first. */
    public static List<RemoteExecutions.Execution> list(RemoteExecutions remote, FlywheelConfig config, int limit) {
        List<RemoteExecutions.Execution> all = new ArrayList<>();
        for (String stateMachine : stateMachines(config)) {
            String token = null;
            int read = 0;
            do {
                RemoteExecutions.Page<RemoteExecutions.Execution> page = remote.list(stateMachine, limit - read, token);
                all.addAll(page.items());
                read += page.items().size();
                token = page.nextToken();
            } while (token != null && read < limit);
        }
        return all.stream().sorted(Comparator.comparing(RemoteExecutions.Execution::startedAt).reversed())
                .limit(limit).toList();
    }

    static int printList(RemoteExecutions remote, FlywheelConfig config, int limit, boolean json, PrintStream out) {
        List<RemoteExecutions.Execution> executions = list(remote, config, limit);
        if (json) {
            ArrayNode array = Json.mapper().createArrayNode();
            executions.forEach(e -> array.add(json(e, null)));
            out.println(Json.writePretty(array));
        } else {
            Output.table(out, List.of("EXECUTION", "STATE MACHINE", "STATUS", "STARTED", "ERROR"),
                    executions.stream().map(e -> List.of(e.name(), name(e.stateMachineArn()), e.status(),
                            String.valueOf(e.startedAt()), e.error() == null ? "" : e.error())).toList());
        }
        return 0;
    }

    /**
     * The execution {@code id}: an execution ARN, or the name of an execution of the training pipeline or, if it
     * has none by that name, of the drift monitor.
     */
    public static RemoteExecutions.Execution find(RemoteExecutions remote, FlywheelConfig config, String id) {
        if (id.startsWith("arn:")) {
            try {
                return remote.describe(id);
            } catch (NotFoundException e) {
                throw new NotFoundException(e.getMessage() + " (`flywheel executions list` lists them)");
            }
        }
        for (String stateMachine : stateMachines(config)) {
            String arn = stateMachine.replaceFirst(":stateMachine:", ":execution:") + ":" + id;
            try {
                return remote.describe(arn);
            } catch (NotFoundException e) {
                // the next state machine
            }
        }
        throw new NotFoundException("no execution named '" + id + "' of " + String.join(" or ",
                stateMachines(config).stream().map(DeployedExecutions::name).toList())
                + " in Step Functions (`flywheel executions list` lists them)");
    }

    /**
     * Why {@code executions stop} refuses {@code id} before it looks it up, if it does: an execution ARN of a state
     * machine other than the configured training pipeline and drift monitor (a name is looked up among theirs only),
     * or of a child of their Distributed Map (ARN {@code ...:execution:MACHINE/MAPRUN:CHILD}), which stops with the
     * execution that runs it.
     */
    static Optional<String> refusedToStop(FlywheelConfig config, String id) {
        if (!id.startsWith("arn:")) {
            return Optional.empty();
        }
        String[] parts = id.split(":", 8);
        if (parts.length != 8 || !parts[5].equals("execution")) {
            return Optional.of("'" + id + "' is not an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:"
                    + "STATE_MACHINE:NAME): give one, or the execution's name as `flywheel executions list` prints it");
        }
        String machine = parts[6];
        int slash = machine.indexOf('/');
        String parent = String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], "stateMachine",
                slash < 0 ? machine : machine.substring(0, slash));
        List<String> ours = stateMachines(config);
        if (!ours.contains(parent)) {
            return Optional.of("execution " + parts[7] + " is of the state machine " + parent + ", not of Flywheel's "
                    + String.join(" or ", ours) + " ("
                    + FlywheelConfig.TRAINING_STATE_MACHINE_ARN + ", " + FlywheelConfig.DRIFT_STATE_MACHINE_ARN
                    + "): `executions stop` stops only those");
        }
        if (slash >= 0) {
            return Optional.of("execution " + parts[7] + " is a child of a Distributed Map of " + name(parent)
                    + ": it stops with the execution that runs it; stop that one (`flywheel executions list` "
                    + "lists them)");
        }
        return Optional.empty();
    }

    /**
     * Stops the running execution {@code id} (as {@link #find} finds it) with StopExecution, and describes it again.
     * One that has ended already is refused: Step Functions would take the call and change nothing.
     */
    static RemoteExecutions.Execution stop(RemoteExecutions remote, FlywheelConfig config, String id, String cause) {
        RemoteExecutions.Execution execution = find(remote, config, id);
        if (!"RUNNING".equals(execution.status())) {
            throw new IllegalStateException("execution " + execution.name() + " of " + name(execution.stateMachineArn())
                    + " ended already (" + execution.status() + (execution.stoppedAt() == null ? ""
                    : " at " + execution.stoppedAt()) + "): there is nothing to stop");
        }
        remote.stop(execution.executionArn(), STOPPED, cause);
        return remote.describe(execution.executionArn());
    }

    /** Every event of an execution's history, read as the embedded runtime's events. */
    public static List<HistoryEvent> history(RemoteExecutions remote, String executionArn) {
        StepFunctionsHistory reader = new StepFunctionsHistory();
        List<HistoryEvent> events = new ArrayList<>();
        String token = null;
        do {
            RemoteExecutions.Page<JsonNode> page = remote.history(executionArn, token);
            page.items().forEach(raw -> events.add(reader.read(raw)));
            token = page.nextToken();
        } while (token != null);
        return events;
    }

    static int printShow(RemoteExecutions remote, FlywheelConfig config, String id, boolean json, PrintStream out) {
        RemoteExecutions.Execution execution = find(remote, config, id);
        List<HistoryEvent> events = history(remote, execution.executionArn());
        if (json) {
            out.println(Json.writePretty(json(execution, events)));
            return 0;
        }
        out.println(execution.executionArn() + "  " + name(execution.stateMachineArn()) + "  " + execution.status());
        if ("RUNNING".equals(execution.status())) {
            waitingToken(events).ifPresent(token -> out.println("waiting for approval: flywheel approve " + token
                    + " (or flywheel reject ...)"));
        }
        ExecutionsCommand.printEnding(out, execution.status(), execution.error(), execution.cause());
        Output.table(out, List.of("#", "TIME", "EVENT", "STATE", "DETAIL"), events.stream()
                .map(e -> List.of(Long.toString(e.id()), e.timestamp().toString(), e.type(),
                        e.details().path("name").asText(""), detail(e.details()))).toList());
        return 0;
    }

    /** The task token of a callback the execution still waits on, if any. */
    static Optional<String> waitingToken(List<HistoryEvent> events) {
        String token = null;
        for (HistoryEvent event : events) {
            JsonNode d = event.details();
            if (event.type().equals("TaskScheduled") && d.path("resource").asText().endsWith(".waitForTaskToken")) {
                JsonNode found = d.path("parameters").findValue("taskToken");
                token = found == null ? null : found.asText(null);
            } else if (event.type().equals("TaskSucceeded") || event.type().equals("TaskFailed")
                    || event.type().equals("TaskTimedOut")) {
                token = null;
            }
        }
        return Optional.ofNullable(token);
    }

    private static String detail(JsonNode d) {
        return ExecutionsCommand.eventDetail(d);
    }

    /** The fields {@code executions show --json} prints locally, with Step Functions' values. */
    static ObjectNode json(RemoteExecutions.Execution e, List<HistoryEvent> events) {
        ObjectNode node = Json.object();
        node.put("id", e.name());
        node.put("executionArn", e.executionArn());
        node.put("stateMachine", name(e.stateMachineArn()));
        node.put("stateMachineArn", e.stateMachineArn());
        node.put("status", e.status());
        node.set("input", e.input() == null ? null : StepFunctionsHistory.parse(e.input()));
        node.set("output", e.output() == null ? null : StepFunctionsHistory.parse(e.output()));
        node.put("error", e.error());
        node.put("cause", e.cause());
        node.put("startedAt", String.valueOf(e.startedAt()));
        node.put("stoppedAt", e.stoppedAt() == null ? null : e.stoppedAt().toString());
        if (events != null) {
            ArrayNode array = node.putArray("events");
            for (HistoryEvent event : events) {
                array.addObject().put("id", event.id()).put("previousEventId", event.previousEventId())
                        .put("type", event.type()).put("timestamp", event.timestamp().toString())
                        .set("details", event.details());
            }
        }
        return node;
    }

    /** SendTaskSuccess with what the local path records: {"approved": true, "comment": ...}. */
    static ObjectNode approve(RemoteExecutions remote, String token, String comment) {
        ObjectNode output = Json.object().put("approved", true).put("comment", comment);
        answer(() -> remote.sendTaskSuccess(token, Json.write(output)), token, true);
        ObjectNode answered = Json.object().put("token", token).put("status", "SUCCEEDED");
        answered.set("output", output);
        return answered;
    }

    /** SendTaskFailure with the local path's error, ApprovalRejected, and the reason as its cause. */
    static ObjectNode reject(RemoteExecutions remote, String token, String reason) {
        answer(() -> remote.sendTaskFailure(token, "ApprovalRejected", reason), token, false);
        return Json.object().put("token", token).put("status", "FAILED").put("error", "ApprovalRejected")
                .put("cause", reason);
    }

    private static void answer(Runnable call, String token, boolean approve) {
        try {
            call.run();
        } catch (TaskTokenRejectedException e) {
            throw new IllegalStateException(refusal(e.reason(), token, approve), e);
        }
    }

    /** One line: what Step Functions said about the token, and what to do. */
    static String refusal(TaskTokenRejectedException.Reason reason, String token, boolean approve) {
        String shown = token.length() > 24 ? token.substring(0, 24) + "…" : token;
        return switch (reason) {
            case TASK_DOES_NOT_EXIST -> "no execution waits on the task token " + shown + " (answered already, or "
                    + "the execution ended or was stopped): `flywheel executions list` shows what still runs";
            case TASK_TIMED_OUT -> "the approval task of the token " + shown + " timed out, and its execution went "
                    + "on without it: start the pipeline again to " + (approve ? "promote" : "decide");
            case INVALID_TOKEN -> "'" + shown + "' is not a task token of this account and region: copy the whole "
                    + "token the waiting pipeline printed (`flywheel executions show ID` prints it again), and check "
                    + "AWS_REGION";
        };
    }
}
