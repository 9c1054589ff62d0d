package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * Task states: InputPath and Parameters make the task's parameters, {@link TaskCall} runs the task within its
 * TimeoutSeconds (or TimeoutSecondsPath) and HeartbeatSeconds, and ResultSelector, ResultPath and OutputPath make
 * the state output. Events: TaskScheduled, TaskStarted, TaskSubmitted for a {@code .waitForTaskToken} resource,
 * then TaskSucceeded, TaskFailed or TaskTimedOut.
 */
final class TaskState implements StateHandler.Attempt {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public JsonNode run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx,
                        ObjectNode retryDetail, Cancellation cancellation) {
        String resource = s.text("Resource");
        StateInputOutput io = execution.io();
        JsonNode effective = io.inputPath(s, raw);
        String token = null;
        if (resource.endsWith(".waitForTaskToken")) {
            token = randomToken(execution);
            ctx.putObject("Task").put("Token", token);
        }
        JsonNode parameters = io.parameters(s, effective, ctx);
        StateInputOutput.checkStateData(s, parameters);
        Integer timeoutSeconds = timeoutSeconds(s, effective);
        Integer heartbeat = s.has("HeartbeatSeconds") ? s.get("HeartbeatSeconds").asInt() : null;
        Duration timeout = timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds);
        History history = execution.history();
        history.record(track, "TaskScheduled", scheduled(resource, parameters, timeoutSeconds, heartbeat, retryDetail));
        history.record(track, "TaskStarted", NODES.objectNode().put("resource", resource));

        TaskCall call = new TaskCall(execution, resource, timeoutSeconds, timeout);
        TaskRequest request = new TaskRequest(resource, parameters.deepCopy(), token, ctx, timeout);
        JsonNode result;
        try {
            result = call.run(request, track, heartbeat != null ? Duration.ofSeconds(heartbeat) : timeout);
        } catch (TaskFailedException e) {
            String type = StatesErrors.TIMEOUT.equals(e.error()) || StatesErrors.HEARTBEAT_TIMEOUT.equals(e.error())
                    ? "TaskTimedOut" : "TaskFailed";
            ObjectNode failed = History.errorDetails(e.error(), e.cause());
            failed.put("resource", resource);
            history.record(track, type, failed);
            throw new StatesException(e.error(), e.cause());
        }
        ObjectNode succeeded = NODES.objectNode();
        succeeded.put("resource", resource);
        succeeded.set("output", result);
        history.record(track, "TaskSucceeded", succeeded);
        return io.output(s, raw, result, ctx);
    }

    /** TimeoutSeconds, else the positive integer at TimeoutSecondsPath in the effective input, else null. */
    private static Integer timeoutSeconds(StateMachine.State s, JsonNode effective) {
        if (s.has("TimeoutSeconds")) {
            return s.get("TimeoutSeconds").asInt();
        }
        if (s.has("TimeoutSecondsPath")) {
            JsonNode t = JsonPaths.read(effective, s.text("TimeoutSecondsPath"), "TimeoutSecondsPath");
            if (!t.isIntegralNumber() || t.asLong() <= 0) {
                throw StatesException.runtime("TimeoutSecondsPath must reference a positive integer, was " + t);
            }
            return t.asInt();
        }
        return null;
    }

    private static ObjectNode scheduled(String resource, JsonNode parameters, Integer timeoutSeconds,
                                        Integer heartbeat, ObjectNode retryDetail) {
        ObjectNode scheduled = NODES.objectNode();
        scheduled.put("resource", resource);
        scheduled.set("parameters", parameters);
        if (timeoutSeconds != null) {
            scheduled.put("timeoutInSeconds", timeoutSeconds);
        }
        if (heartbeat != null) {
            scheduled.put("heartbeatInSeconds", heartbeat);
        }
        if (retryDetail != null) {
            scheduled.set("retry", retryDetail);
        }
        return scheduled;
    }

    /** Like Step Functions' tokens, it starts "AQ": never with "-", which a command line would take for an option. */
    private static String randomToken(ExecutionRun execution) {
        byte[] bytes = new byte[48];
        execution.options().random().nextBytes(bytes);
        return "AQ" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
