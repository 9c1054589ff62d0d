package dev.flywheel.statemachines.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.statemachines.runtime.ExecutionInputTooLargeException;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionOptions;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.Interpreter;
import dev.flywheel.statemachines.runtime.InvalidDefinitionException;
import dev.flywheel.statemachines.runtime.Sleeper;
import dev.flywheel.statemachines.runtime.StateMachine;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ProcessOwner;
import dev.flywheel.io.ExitActions;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.logging.LogContext;
import dev.flywheel.registry.ExecutionRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded runtime: runs a state machine definition with our ASL interpreter, invoking Flywheel's handlers
 * in-process, and records the execution and its history in the metadata store as it happens (in batches, see
 * {@link PersistedHistory}).
 */
public final class LocalRuntime {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private final LocalFunctions functions;
    private final ExecutionRegistry executions;
    private final Clock clock;
    private final Sleeper sleeper;

    public LocalRuntime(LocalFunctions functions, ExecutionRegistry executions, Clock clock, Sleeper sleeper) {
        this.functions = functions;
        this.executions = executions;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Replaces {@code ${IngestFunctionArn}}-style placeholders with local ARNs; unknown ones are left alone. */
    public String substitute(String definition) {
        Map<String, String> substitutions = functions.substitutions();
        Matcher matcher = PLACEHOLDER.matcher(definition);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = substitutions.getOrDefault(matcher.group(1), matcher.group(0));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * Runs {@code definition} on {@code input}; {@code progress} sees each event as it happens.
     *
     * @param stateMachineName e.g. "training-pipeline"
     * @throws InvalidDefinitionException      if the definition is not valid, as CreateStateMachine refuses it
     * @throws ExecutionInputTooLargeException if the input is over 256 KiB, as StartExecution refuses it; in both
     *                                         cases nothing runs and nothing is recorded
     */
    public ExecutionResult run(String stateMachineName, String definition, JsonNode input, ExecutionListener progress) {
        StateMachine stateMachine = StateMachine.parse(substitute(definition));
        ExecutionInputTooLargeException.check(input);
        String executionName = UUID.randomUUID().toString();
        String executionId = stateMachineName.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + executionName.substring(0, 8);
        var started = clock.instant();
        executions.start(new ExecutionRecord(executionId, stateMachineName, ExecutionStatus.RUNNING, input, null, null,
                null, started, null, List.of(), ProcessOwner.current()));
        ExecutionResult result;
        try (PersistedHistory history = new PersistedHistory(executions.historyWriter(executionId), executionId,
                progress); LogContext ignored = LogContext.with(LogContext.EXECUTION_ID, executionId);
             ExitActions.Registration onExit = ExitActions.register("execution " + executionId, () -> {
                 // The execution's own thread goes on while this runs: a flush that collides with its writes must
                 // not keep the execution from being recorded as aborted (seen once in CI: left RUNNING).
                 try {
                     history.flush();
                 } catch (RuntimeException e) {
                     org.slf4j.LoggerFactory.getLogger(LocalRuntime.class).warn("the last events of execution {} "
                             + "could not be written before it was recorded as aborted: {}", executionId, e.getMessage());
                 }
                 executions.abort(executionId, "the flywheel process (" + ProcessOwner.current().describe()
                         + ") was stopped (SIGTERM, Ctrl-C or out of memory) while the execution ran", clock.instant());
             })) {
            ExecutionOptions options = ExecutionOptions.builder()
                    .executionName(executionId)
                    .stateMachineName(stateMachineName)
                    .arnScope("local", "000000000000")
                    .clock(clock)
                    .sleeper(sleeper)
                    .listener(history)
                    .taskTokenWaiter(new RegistryTaskTokenWaiter(executions, executionId, sleeper, clock,
                            history::flush))
                    .build();
            result = Interpreter.create().execute(stateMachine, input, new LocalLambdaInvoker(functions, progress::stepProgress), options);
        }
        executions.finish(new ExecutionRecord(executionId, stateMachineName, status(result), input, result.output(),
                result.error(), result.cause(), started, clock.instant(), List.of(), ProcessOwner.current()));
        return new ExecutionResult(executionId, result.status(), result.output(), result.error(), result.cause(),
                result.events(), result.startDate(), result.stopDate());
    }

    private static ExecutionStatus status(ExecutionResult result) {
        return ExecutionStatus.valueOf(result.status().name());
    }
}
