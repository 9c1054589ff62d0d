package dev.flywheel.statemachines.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.logging.WorkProgress;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import dev.flywheel.statemachines.runtime.TaskFailedException;
import dev.flywheel.statemachines.runtime.TaskInvoker;
import dev.flywheel.statemachines.runtime.TaskRequest;

/**
 * The Step Functions integration in the local runtime: a Task state starts another state machine that the
 * {@link LocalRuntime} knows ({@link LocalRuntime#withStateMachine}); every other resource goes to the next invoker
 * (the {@link LocalLambdaInvoker}).
 *
 * <p>Parameters: {@code StateMachineArn} (the local ARN, {@code ${TrainingPipelineArn}} in a definition),
 * {@code Input} (a JSON value, or a string of JSON text; default {@code {}}) and optional {@code Name} (the
 * execution name, and the id it is recorded under). The child is an execution of its own: its own id, history and
 * record in the ExecutionRegistry, as {@link LocalRuntime#run} records one.
 *
 * <ul>
 *   <li>{@code arn:aws:states:::states:startExecution.sync:2} runs the child on this thread and returns what
 *       DescribeExecution returns, with {@code Input} and {@code Output} as JSON: {@code ExecutionArn},
 *       {@code Input}, {@code InputDetails}, {@code Name}, {@code Output}, {@code OutputDetails}, {@code StartDate},
 *       {@code StateMachineArn}, {@code Status}, {@code StopDate} (dates in epoch milliseconds).</li>
 *   <li>{@code ...startExecution.sync}: the same, with {@code Input} and {@code Output} as strings of JSON text.</li>
 *   <li>{@code ...startExecution} (and {@code .waitForTaskToken}): starts the child on a background thread and
 *       returns {@code {ExecutionArn, StartDate}} at once.</li>
 * </ul>
 *
 * <p>A child that fails, times out or is aborted fails a {@code .sync} task with {@code States.TaskFailed}, the cause
 * being the child's description as JSON text (with its {@code Error} and {@code Cause}). An ARN that names no
 * registered machine fails with {@code StepFunctions.StateMachineDoesNotExistException}; a {@code Name} already used
 * with {@code StepFunctions.ExecutionAlreadyExistsException}.
 *
 * <p>What differs from AWS: the child's {@code $$.StateMachine.Id} and the machine in its {@code ExecutionArn} are
 * {@code arn:aws:states:local:000000000000:stateMachine:NAME} (as for an execution {@link LocalRuntime#run} starts),
 * while {@code StateMachineArn} in the result is the ARN the task passed ({@code ...:stateMachine:flywheel-NAME});
 * both forms are accepted as {@code StateMachineArn}. Names are unique among all local executions, not per machine.
 * The child's events go to its own history only; its steps' progress reaches the parent's listener.
 */
final class LocalStepFunctionsInvoker implements TaskInvoker {
    static final String START_EXECUTION = "arn:aws:states:::states:startExecution";

    private final LocalRuntime runtime;
    private final TaskInvoker next;
    private final ExecutionListener progress;

    /** @param progress the parent's listener: children report their steps' progress to it, not their events */
    LocalStepFunctionsInvoker(LocalRuntime runtime, TaskInvoker next, ExecutionListener progress) {
        this.runtime = runtime;
        this.next = next;
        this.progress = progress;
    }

    @Override
    public JsonNode invoke(TaskRequest request) {
        String resource = request.resource();
        if (!resource.startsWith(START_EXECUTION)) {
            return next.invoke(request);
        }
        String pattern = resource.substring(START_EXECUTION.length());
        switch (pattern) {
            case "", ".waitForTaskToken", ".sync", ".sync:2" -> { }
            default -> throw new TaskFailedException("States.Runtime", "the local runtime does not know the "
                    + "resource '" + resource + "' (startExecution, .sync, .sync:2 or .waitForTaskToken)");
        }
        JsonNode parameters = request.parameters();
        JsonNode arnNode = parameters.path("StateMachineArn");
        if (!arnNode.isTextual()) {
            throw new TaskFailedException("States.Runtime",
                    "the states:startExecution Parameters need a StateMachineArn string, got " + parameters);
        }
        String stateMachineArn = arnNode.asText();
        String name = runtime.resolveStateMachine(stateMachineArn).orElseThrow(() -> new TaskFailedException(
                "StepFunctions.StateMachineDoesNotExistException", "State Machine Does Not Exist: '"
                + stateMachineArn + "' (the local runtime knows " + runtime.stateMachineNames().stream()
                .map(LocalRuntime::stateMachineArn).toList() + ")"));
        JsonNode input = input(parameters.get("Input"));
        JsonNode executionName = parameters.get("Name");
        if (executionName != null && !executionName.isNull() && !executionName.isTextual()) {
            throw new TaskFailedException("StepFunctions.InvalidNameException", "Invalid Name: " + executionName);
        }
        LocalRuntime.Started started = runtime.beginRegistered(name, input,
                executionName == null || executionName.isNull() ? null : executionName.asText());
        ExecutionListener childProgress = new ExecutionListener() {
            @Override
            public void onEvent(HistoryEvent event) {
            }

            @Override
            public WorkProgress stepProgress(String step) {
                return progress.stepProgress(step);
            }
        };
        if (pattern.isEmpty() || pattern.equals(".waitForTaskToken")) {
            runtime.executeInBackground(started, childProgress);
            ObjectNode result = Json.object();
            result.put("ExecutionArn", started.executionArn());
            result.put("StartDate", started.startDate().toEpochMilli());
            return result;
        }
        ExecutionResult result = runtime.execute(started, childProgress);
        ObjectNode description = describe(started, result, stateMachineArn, pattern.equals(".sync:2"));
        if (result.status() != ExecutionStatus.SUCCEEDED) {
            throw new TaskFailedException("States.TaskFailed", Json.write(description));
        }
        return description;
    }

    /** The Input parameter as the child's input: a JSON value as it is, a string parsed as JSON text. */
    private static JsonNode input(JsonNode input) {
        if (input == null || input.isNull()) {
            return Json.object();
        }
        if (!input.isTextual()) {
            return input;
        }
        try {
            return Json.tree(input.asText());
        } catch (RuntimeException e) {
            throw new TaskFailedException("StepFunctions.InvalidExecutionInputException",
                    "Invalid State Machine Execution Input: '" + e.getMessage() + "'");
        }
    }

    /** What DescribeExecution says of the ended child; {@code json} keeps Input and Output as JSON (.sync:2). */
    private static ObjectNode describe(LocalRuntime.Started started, ExecutionResult result, String stateMachineArn,
                                       boolean json) {
        ObjectNode d = Json.object();
        d.put("ExecutionArn", started.executionArn());
        if (json) {
            d.set("Input", started.input());
        } else {
            d.put("Input", Json.write(started.input()));
        }
        d.putObject("InputDetails").put("Included", true);
        d.put("Name", started.executionId());
        if (result.status() == ExecutionStatus.SUCCEEDED) {
            if (json) {
                d.set("Output", result.output());
            } else {
                d.put("Output", Json.write(result.output()));
            }
            d.putObject("OutputDetails").put("Included", true);
        }
        d.put("StartDate", started.startDate().toEpochMilli());
        d.put("StateMachineArn", stateMachineArn);
        d.put("Status", result.status().name());
        d.put("StopDate", result.stopDate().toEpochMilli());
        if (result.error() != null) {
            d.put("Error", result.error());
        }
        if (result.cause() != null) {
            d.put("Cause", result.cause());
        }
        return d;
    }
}
