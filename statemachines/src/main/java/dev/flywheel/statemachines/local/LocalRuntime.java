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
import dev.flywheel.statemachines.runtime.TaskFailedException;
import dev.flywheel.statemachines.runtime.TaskInvoker;
import dev.flywheel.store.ArtifactStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The embedded runtime: runs a state machine definition with our ASL interpreter, invoking Flywheel's handlers
 * in-process, and records the execution and its history in the metadata store as it happens (in batches, see
 * {@link PersistedHistory}).
 *
 * <p>Placeholders in a definition become local values ({@link #substitute}): {@code ${IngestFunctionArn}} the local
 * ARN of a registered function, {@code ${TrainingPipelineArn}} the local ARN of a state machine registered with
 * {@link #withStateMachine} (name in PascalCase + "Arn"), and {@code ${ArtifactBucket}} {@link #ARTIFACT_BUCKET}, the
 * one bucket the ItemReader of a distributed Map state reads locally: the artifact store given to the constructor.
 *
 * <p>A Task state may start a registered state machine ({@code arn:aws:states:::states:startExecution}, see
 * {@link LocalStepFunctionsInvoker}): the child runs as an execution of its own, recorded like one that {@link #run}
 * runs. A child started without waiting ({@code startExecution} or {@code .waitForTaskToken}) runs on a background
 * thread; {@link #awaitStartedExecutions} waits for those, and a process that exits before they end records them as
 * aborted (as it does for any running execution).
 */
public final class LocalRuntime {
    /** The bucket that {@code ${ArtifactBucket}} stands for locally: the artifact store. */
    public static final String ARTIFACT_BUCKET = "flywheel-local-artifacts";
    /** The placeholder for {@link #ARTIFACT_BUCKET} in definitions. */
    public static final String ARTIFACT_BUCKET_PLACEHOLDER = "ArtifactBucket";
    static final String REGION = "local";
    static final String ACCOUNT = "000000000000";
    static final String STATE_MACHINE_ARN_PREFIX = "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final Pattern MACHINE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,71}");
    private static final Pattern EXECUTION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");
    private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);

    private final LocalFunctions functions;
    private final ExecutionRegistry executions;
    private final ArtifactStore artifacts;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Map<String, String> stateMachines = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Set<Future<?>> startedExecutions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger backgroundThreads = new AtomicInteger();
    private ExecutorService background;

    /** A runtime without an artifact store: a distributed Map state's ItemReader fails (States.ItemReaderFailed). */
    public LocalRuntime(LocalFunctions functions, ExecutionRegistry executions, Clock clock, Sleeper sleeper) {
        this(functions, executions, null, clock, sleeper);
    }

    /** @param artifacts the objects of bucket {@link #ARTIFACT_BUCKET}, which ItemReaders read; may be null */
    public LocalRuntime(LocalFunctions functions, ExecutionRegistry executions, ArtifactStore artifacts, Clock clock,
                        Sleeper sleeper) {
        this.functions = functions;
        this.executions = executions;
        this.artifacts = artifacts;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Registers a state machine that Task states may start by its local ARN ({@link #stateMachineArn(String)}, written
     * {@code ${TrainingPipelineArn}} for "training-pipeline"). The definition is checked now, as CreateStateMachine
     * does; its placeholders are substituted when it starts, so machines may name each other in any order.
     *
     * @param name e.g. "training-pipeline": letters, digits, '-' and '_'; registering a name again replaces it
     * @throws InvalidDefinitionException if the definition is not valid
     * @return this runtime
     */
    public LocalRuntime withStateMachine(String name, String definition) {
        if (name == null || !MACHINE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a state machine name is 1-72 letters, digits, '-' or '_', starting "
                    + "with a letter or digit; was '" + name + "'");
        }
        Objects.requireNonNull(definition, "definition");
        stateMachines.put(name, definition);
        try {
            StateMachine.parse(substitute(definition));
        } catch (RuntimeException e) {
            stateMachines.remove(name);
            throw e;
        }
        return this;
    }

    /** {@code arn:aws:states:local:000000000000:stateMachine:flywheel-NAME}: how definitions name a local machine. */
    public static String stateMachineArn(String name) {
        return STATE_MACHINE_ARN_PREFIX + "flywheel-" + name;
    }

    /** {@code TrainingPipelineArn} for "training-pipeline": the placeholder (without {@code ${}}) of a machine. */
    public static String stateMachinePlaceholder(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.append("Arn").toString();
    }

    /** Every placeholder this runtime replaces, without {@code ${}}, and its local value. */
    public Map<String, String> substitutions() {
        Map<String, String> substitutions = new LinkedHashMap<>(functions.substitutions());
        synchronized (stateMachines) {
            stateMachines.keySet().forEach(name -> substitutions.put(stateMachinePlaceholder(name),
                    stateMachineArn(name)));
        }
        substitutions.put(ARTIFACT_BUCKET_PLACEHOLDER, ARTIFACT_BUCKET);
        return substitutions;
    }

    /**
     * Replaces {@code ${IngestFunctionArn}}, {@code ${TrainingPipelineArn}} and {@code ${ArtifactBucket}}-style
     * placeholders with local values; unknown ones are left alone.
     */
    public String substitute(String definition) {
        Map<String, String> substitutions = substitutions();
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
        return execute(begin(stateMachineName, stateMachine, input, null), progress);
    }

    /**
     * Waits until every execution started without waiting (plain {@code startExecution}, or
     * {@code startExecution.waitForTaskToken}) has ended, those they started included. Call it before the process
     * exits: one that exits first records them as aborted.
     *
     * @return true when none is left running, false when {@code timeout} passed first
     */
    public boolean awaitStartedExecutions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Future<?>> pending = List.copyOf(startedExecutions);
            if (pending.isEmpty()) {
                return true;
            }
            for (Future<?> f : pending) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    f.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    return false;
                } catch (ExecutionException | CancellationException e) {
                    // logged by the task itself
                }
                startedExecutions.remove(f);
            }
        }
    }

    /** The name of the registered machine that {@code stateMachineArn} refers to, if it is one. */
    Optional<String> resolveStateMachine(String stateMachineArn) {
        synchronized (stateMachines) {
            for (String name : stateMachines.keySet()) {
                if (stateMachineArn.equals(stateMachineArn(name))
                        || stateMachineArn.equals(STATE_MACHINE_ARN_PREFIX + name)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    /** The registered machines' names, for messages. */
    List<String> stateMachineNames() {
        synchronized (stateMachines) {
            return List.copyOf(stateMachines.keySet());
        }
    }

    /**
     * Records the start of an execution of a registered machine, to run with {@link #execute}.
     *
     * @param executionName the requested execution name (the record's id), or null for a generated one
     * @throws TaskFailedException StepFunctions.InvalidNameException, StepFunctions.ExecutionAlreadyExistsException
     */
    Started beginRegistered(String name, JsonNode input, String executionName) {
        String definition = stateMachines.get(name);
        if (definition == null) {
            throw new IllegalStateException("no state machine registered as '" + name + "'");
        }
        if (executionName != null && !EXECUTION_NAME.matcher(executionName).matches()) {
            throw new TaskFailedException("StepFunctions.InvalidNameException", "Invalid Name: '" + executionName
                    + "' (1-80 letters, digits, '.', '_' or '-', starting with a letter or digit, locally)");
        }
        if (executionName != null && executions.find(executionName).isPresent()) {
            throw new TaskFailedException("StepFunctions.ExecutionAlreadyExistsException",
                    "Execution Already Exists: '" + executionArn(name, executionName) + "'");
        }
        return begin(name, StateMachine.parse(substitute(definition)), input, executionName);
    }

    /** An execution whose start is recorded. */
    record Started(String executionId, String stateMachineName, StateMachine stateMachine, JsonNode input,
                   Instant startDate) {
        String executionArn() {
            return LocalRuntime.executionArn(stateMachineName, executionId);
        }
    }

    static String executionArn(String stateMachineName, String executionId) {
        return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":execution:" + stateMachineName + ":" + executionId;
    }

    private Started begin(String stateMachineName, StateMachine stateMachine, JsonNode input, String executionName) {
        ExecutionInputTooLargeException.check(input);
        String executionId = executionName != null ? executionName
                : stateMachineName.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + UUID.randomUUID().toString().substring(0, 8);
        Instant started = clock.instant();
        executions.start(new ExecutionRecord(executionId, stateMachineName, ExecutionStatus.RUNNING, input, null, null,
                null, started, null, List.of(), ProcessOwner.current()));
        return new Started(executionId, stateMachineName, stateMachine, input, started);
    }

    /** Runs a started execution on this thread to its end, recording its history and outcome. */
    ExecutionResult execute(Started start, ExecutionListener progress) {
        String executionId = start.executionId();
        String stateMachineName = start.stateMachineName();
        JsonNode input = start.input();
        String outerExecutionId = MDC.get(LogContext.EXECUTION_ID);
        ExecutionResult result;
        try (PersistedHistory history = new PersistedHistory(executions.historyWriter(executionId), executionId,
                progress); LogContext ignored = LogContext.with(LogContext.EXECUTION_ID, executionId);
             ExitActions.Registration onExit = ExitActions.register("execution " + executionId, () -> {
                 // The execution's own thread goes on while this runs: a flush that collides with its writes must
                 // not keep the execution from being recorded as aborted (seen once in CI: left RUNNING).
                 try {
                     history.flush();
                 } catch (RuntimeException e) {
                     LOG.warn("the last events of execution {} "
                             + "could not be written before it was recorded as aborted: {}", executionId, e.getMessage());
                 }
                 executions.abort(executionId, "the flywheel process (" + ProcessOwner.current().describe()
                         + ") was stopped (SIGTERM, Ctrl-C or out of memory) while the execution ran", clock.instant());
             })) {
            ExecutionOptions.Builder options = ExecutionOptions.builder()
                    .executionName(executionId)
                    .stateMachineName(stateMachineName)
                    .arnScope(REGION, ACCOUNT)
                    .clock(clock)
                    .sleeper(sleeper)
                    .listener(history)
                    .taskTokenWaiter(new RegistryTaskTokenWaiter(executions, executionId, sleeper, clock,
                            history::flush));
            if (artifacts != null) {
                options.itemReaderSource(new ArtifactStoreItemReaderSource(artifacts, clock));
            }
            TaskInvoker invoker = new LocalStepFunctionsInvoker(this,
                    new LocalLambdaInvoker(functions, progress::stepProgress), progress);
            result = Interpreter.create().execute(start.stateMachine(), input, invoker, options.build());
        } finally {
            if (outerExecutionId != null) {
                MDC.put(LogContext.EXECUTION_ID, outerExecutionId); // a child ran on its parent's thread
            }
        }
        executions.finish(new ExecutionRecord(executionId, stateMachineName, status(result), input, result.output(),
                result.error(), result.cause(), start.startDate(), clock.instant(), List.of(), ProcessOwner.current()));
        return new ExecutionResult(executionId, result.status(), result.output(), result.error(), result.cause(),
                result.events(), result.startDate(), result.stopDate());
    }

    /** Runs a started execution on a background thread that {@link #awaitStartedExecutions} waits for. */
    void executeInBackground(Started start, ExecutionListener progress) {
        ExecutorService pool;
        synchronized (this) {
            if (background == null) {
                background = Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "sfn-started-" + backgroundThreads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            }
            pool = background;
        }
        Future<?> future = pool.submit(() -> {
            try {
                execute(start, progress);
            } catch (RuntimeException | Error e) {
                LOG.warn("execution {} (started by another execution) could not be run or recorded",
                        start.executionId(), e);
                throw e;
            }
        });
        startedExecutions.add(future);
    }

    private static ExecutionStatus status(ExecutionResult result) {
        return ExecutionStatus.valueOf(result.status().name());
    }
}
