package dev.flywheel.cli.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Amazon States Language state machines in this JVM with AWS Step Functions semantics (JSONPath query
 * language): input and output processing, Choice rules, Retry/Catch, Map and Parallel, Wait, intrinsic functions,
 * the context object, execution and task timeouts, and a history named like the Step Functions one.
 *
 * <p>Stateless and thread-safe: one instance can run many executions at once. Each execution runs on the calling
 * thread; Map iterations and Parallel branches run on threads of a pool owned by that execution, and tasks with a
 * timeout run on a pool thread so the timeout can be enforced.
 */
public final class Interpreter {
    private static final Logger LOG = LoggerFactory.getLogger(Interpreter.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Interpreter() {
    }

    public static Interpreter create() {
        return new Interpreter();
    }

    /** Runs with {@link ExecutionOptions#defaults()}. */
    public ExecutionResult execute(StateMachine stateMachine, JsonNode input, TaskInvoker invoker) {
        return execute(stateMachine, input, invoker, ExecutionOptions.defaults());
    }

    /**
     * Runs one execution to its end and returns its outcome; never throws for a failed execution.
     *
     * @param input the execution input; null means {@code {}}
     * @throws ExecutionInputTooLargeException if the input is over {@link Quotas#PAYLOAD_BYTES}, before anything runs
     */
    public ExecutionResult execute(StateMachine stateMachine, JsonNode input, TaskInvoker invoker,
                                   ExecutionOptions options) {
        Objects.requireNonNull(stateMachine, "stateMachine");
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(options, "options");
        ExecutionInputTooLargeException.check(input);
        JsonNode safeInput = input == null ? NODES.objectNode() : input.deepCopy();
        return new Run(stateMachine, invoker, options).run(safeInput);
    }

    /** The result of running one state: where to go next (null at the end of a scope) and the state output. */
    private record Transition(String next, JsonNode output) { }

    /** One sequential path of execution (the main path, a Map iteration, a Parallel branch). */
    private static final class Track {
        private long lastEventId;

        Track(long lastEventId) {
            this.lastEventId = lastEventId;
        }
    }

    /** Stops the sibling iterations or branches of a failed one at their next state transition. */
    private static final class Cancellation {
        private final Cancellation parent;
        private volatile boolean cancelled;

        Cancellation(Cancellation parent) {
            this.parent = parent;
        }

        boolean isCancelled() {
            return cancelled || (parent != null && parent.isCancelled());
        }
    }

    /** Unwinds a cancelled Map iteration or Parallel branch; never escapes the interpreter. */
    private static final class ScopeCancelledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScopeCancelledException() {
            super("cancelled", null, false, false);
        }
    }

    /**
     * The history reached {@link Quotas#HISTORY_EVENTS} with an event other than the execution's end: unwinds every
     * path of the execution (no Retry or Catch sees it) so that the last event can be ExecutionFailed.
     */
    private static final class HistoryFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HistoryFullException() {
            super("The execution reached the maximum number of history events (" + Quotas.HISTORY_EVENTS + ").",
                    null, false, false);
        }
    }

    /** The execution ran past the state machine's TimeoutSeconds. */
    private static final class ExecutionTimedOutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExecutionTimedOutException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Run {
        private final StateMachine machine;
        private final TaskInvoker invoker;
        private final ExecutionOptions options;
        private final Intrinsics intrinsics;
        private final List<HistoryEvent> history = new ArrayList<>();
        private final Object historyLock = new Object();
        private long lastId;
        private boolean historyFull;
        private Instant start;
        private Instant deadline;
        private JsonNode executionInput;
        private volatile boolean terminated;
        private ExecutorService pool;
        private final AtomicInteger threadCounter = new AtomicInteger();

        Run(StateMachine machine, TaskInvoker invoker, ExecutionOptions options) {
            this.machine = machine;
            this.invoker = invoker;
            this.options = options;
            this.intrinsics = new Intrinsics(options.random());
        }

        ExecutionResult run(JsonNode input) {
            start = options.clock().instant();
            executionInput = input;
            if (machine.timeoutSeconds() != null) {
                deadline = start.plusSeconds(machine.timeoutSeconds());
            }
            Track track = new Track(0);
            ObjectNode started = NODES.objectNode();
            started.set("input", input);
            started.put("roleArn", options.roleArn());
            started.put("stateMachineArn", options.stateMachineArn());
            started.put("name", options.executionName());
            record(track, "ExecutionStarted", started);
            ExecutionStatus status;
            JsonNode output = null;
            String error = null;
            String cause = null;
            try {
                output = runScope(machine, input, track, new Cancellation(null));
                status = ExecutionStatus.SUCCEEDED;
                record(track, "ExecutionSucceeded", NODES.objectNode().set("output", output));
            } catch (StatesException e) {
                status = ExecutionStatus.FAILED;
                error = e.error();
                cause = e.cause();
                record(track, "ExecutionFailed", errorDetails(error, cause));
            } catch (ExecutionTimedOutException e) {
                status = ExecutionStatus.TIMED_OUT;
                error = StatesErrors.TIMEOUT;
                cause = e.getMessage();
                record(track, "ExecutionTimedOut", errorDetails(error, cause));
            } catch (HistoryFullException e) {
                status = ExecutionStatus.FAILED;
                error = StatesErrors.RUNTIME;
                cause = e.getMessage();
                record(track, "ExecutionFailed", errorDetails(error, cause));
            } catch (CancellationException | ScopeCancelledException e) {
                status = ExecutionStatus.ABORTED;
                error = "States.Aborted";
                cause = "The execution was interrupted";
                record(track, "ExecutionAborted", errorDetails(error, cause));
            } catch (RuntimeException e) {
                LOG.warn("Execution failed on an unexpected exception [executionName={}]", options.executionName(), e);
                status = ExecutionStatus.FAILED;
                error = StatesErrors.RUNTIME;
                cause = e.toString();
                record(track, "ExecutionFailed", errorDetails(error, cause));
            } finally {
                terminated = true;
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
            List<HistoryEvent> events;
            synchronized (historyLock) {
                events = List.copyOf(history);
            }
            return new ExecutionResult(options.executionArn(), status,
                    status == ExecutionStatus.SUCCEEDED ? output : null, error, cause, events, start,
                    options.clock().instant());
        }

        // ---------------------------------------------------------------- history

        /**
         * Appends an event. Past the history quota only the execution's own end may be recorded: any other event
         * throws {@link HistoryFullException} instead, on whichever path of the execution tries to record it.
         */
        private long record(Track track, String type, ObjectNode details) {
            synchronized (historyLock) {
                boolean end = type.startsWith("Execution") && !type.equals("ExecutionStarted");
                if (!end && (historyFull || lastId + 1 >= Quotas.HISTORY_EVENTS)) {
                    historyFull = true;
                    throw new HistoryFullException();
                }
                long id = ++lastId;
                HistoryEvent event = new HistoryEvent(id, track.lastEventId, type, options.clock().instant(), details);
                track.lastEventId = id;
                history.add(event);
                options.listener().onEvent(event);
                return id;
            }
        }

        private static ObjectNode errorDetails(String error, String cause) {
            ObjectNode d = NODES.objectNode();
            if (error != null) {
                d.put("error", error);
            }
            if (cause != null) {
                d.put("cause", cause);
            }
            return d;
        }

        // ---------------------------------------------------------------- scopes

        private JsonNode runScope(StateMachine scope, JsonNode input, Track track, Cancellation cancellation) {
            String current = scope.startAt();
            JsonNode data = input;
            while (true) {
                checkAlive(cancellation);
                StateMachine.State state = scope.state(current);
                Transition t = runState(state, data, track, cancellation);
                if (t.next() == null) {
                    return t.output();
                }
                current = t.next();
                data = t.output();
            }
        }

        private void checkAlive(Cancellation cancellation) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("interrupted");
            }
            if (deadline != null && !options.clock().instant().isBefore(deadline)) {
                throw new ExecutionTimedOutException("The execution ran longer than its TimeoutSeconds ("
                        + machine.timeoutSeconds() + " s)");
            }
            if (terminated || cancellation.isCancelled()) {
                throw new ScopeCancelledException();
            }
        }

        private Transition runState(StateMachine.State s, JsonNode raw, Track track, Cancellation cancellation) {
            Instant entered = options.clock().instant();
            ObjectNode enteredDetails = NODES.objectNode();
            enteredDetails.put("name", s.name());
            enteredDetails.set("input", raw);
            record(track, s.type().aslName() + "StateEntered", enteredDetails);
            return switch (s.type()) {
                case PASS -> exit(s, track, s.next(), pass(s, raw, entered));
                case SUCCEED -> exit(s, track, null,
                        JsonPaths.select(JsonPaths.select(raw, s.get("InputPath"), "InputPath"), s.get("OutputPath"),
                                "OutputPath"));
                case FAIL -> throw fail(s, raw);
                case CHOICE -> choice(s, raw, track, entered);
                case WAIT -> exit(s, track, s.next(), waitState(s, raw));
                case TASK -> withErrorHandling(s, raw, track,
                        (retryCount, retryDetail) -> task(s, raw, track, context(s, entered, retryCount), retryDetail));
                case MAP -> withErrorHandling(s, raw, track,
                        (retryCount, retryDetail) -> map(s, raw, track, context(s, entered, retryCount), retryDetail,
                                cancellation));
                case PARALLEL -> withErrorHandling(s, raw, track,
                        (retryCount, retryDetail) -> parallel(s, raw, track, context(s, entered, retryCount),
                                retryDetail, cancellation));
            };
        }

        private Transition exit(StateMachine.State s, Track track, String next, JsonNode output) {
            checkStateData(s, output);
            ObjectNode d = NODES.objectNode();
            d.put("name", s.name());
            d.set("output", output);
            record(track, s.type().aslName() + "StateExited", d);
            return new Transition(next, output);
        }

        /** A state's output, or its input after Parameters processing, must be within the payload quota. */
        private static void checkStateData(StateMachine.State s, JsonNode data) {
            if (Quotas.exceedsPayload(data)) {
                throw StatesException.stateDataLimitExceeded(s.name());
            }
        }

        private ObjectNode context(StateMachine.State s, Instant entered, int retryCount) {
            ObjectNode ctx = NODES.objectNode();
            ObjectNode execution = ctx.putObject("Execution");
            execution.put("Id", options.executionArn());
            execution.set("Input", executionInput);
            execution.put("Name", options.executionName());
            execution.put("RoleArn", options.roleArn());
            execution.put("StartTime", TIMESTAMP.format(start));
            ObjectNode sm = ctx.putObject("StateMachine");
            sm.put("Id", options.stateMachineArn());
            sm.put("Name", options.stateMachineName());
            ObjectNode state = ctx.putObject("State");
            state.put("EnteredTime", TIMESTAMP.format(entered));
            state.put("Name", s.name());
            state.put("RetryCount", retryCount);
            return ctx;
        }

        // ---------------------------------------------------------------- simple states

        private JsonNode pass(StateMachine.State s, JsonNode raw, Instant entered) {
            JsonNode effective = JsonPaths.select(raw, s.get("InputPath"), "InputPath");
            JsonNode result;
            if (s.has("Result")) {
                result = s.get("Result");
            } else if (s.has("Parameters")) {
                result = JsonPaths.applyTemplate(s.get("Parameters"), effective, context(s, entered, 0), intrinsics,
                        "Parameters");
            } else {
                result = effective;
            }
            JsonNode merged = JsonPaths.applyResultPath(raw, result, s.text("ResultPath"), s.has("ResultPath"));
            return JsonPaths.select(merged, s.get("OutputPath"), "OutputPath");
        }

        private StatesException fail(StateMachine.State s, JsonNode raw) {
            String error = s.text("Error");
            String cause = s.text("Cause");
            if (s.has("ErrorPath")) {
                JsonNode e = JsonPaths.evaluateExpression(s.text("ErrorPath"), raw, context(s, options.clock().instant(), 0),
                        intrinsics, "ErrorPath '" + s.text("ErrorPath") + "' matched nothing in the input");
                error = e.isTextual() ? e.asText() : e.toString();
            }
            if (s.has("CausePath")) {
                JsonNode c = JsonPaths.evaluateExpression(s.text("CausePath"), raw, context(s, options.clock().instant(), 0),
                        intrinsics, "CausePath '" + s.text("CausePath") + "' matched nothing in the input");
                cause = c.isTextual() ? c.asText() : c.toString();
            }
            return new StatesException(error, cause);
        }

        private Transition choice(StateMachine.State s, JsonNode raw, Track track, Instant entered) {
            JsonNode effective = JsonPaths.select(raw, s.get("InputPath"), "InputPath");
            ObjectNode ctx = context(s, entered, 0);
            String next = null;
            for (JsonNode rule : s.get("Choices")) {
                if (ChoiceRules.matches(rule, effective, ctx)) {
                    next = rule.get("Next").asText();
                    break;
                }
            }
            if (next == null) {
                next = s.text("Default");
            }
            if (next == null) {
                throw new StatesException(StatesErrors.NO_CHOICE_MATCHED,
                        "No Matches! (no choice rule matched and there is no Default in state '" + s.name() + "')");
            }
            return exit(s, track, next, JsonPaths.select(effective, s.get("OutputPath"), "OutputPath"));
        }

        private JsonNode waitState(StateMachine.State s, JsonNode raw) {
            JsonNode effective = JsonPaths.select(raw, s.get("InputPath"), "InputPath");
            Duration duration;
            if (s.has("Seconds") || s.has("SecondsPath")) {
                JsonNode seconds = s.has("Seconds") ? s.get("Seconds")
                        : JsonPaths.read(effective, s.text("SecondsPath"), "SecondsPath");
                if (!seconds.isIntegralNumber() || seconds.asLong() < 0) {
                    throw StatesException.runtime("The SecondsPath parameter does not reference a non-negative "
                            + "integer: " + seconds);
                }
                duration = Duration.ofSeconds(seconds.asLong());
            } else {
                JsonNode ts = s.has("Timestamp") ? s.get("Timestamp")
                        : JsonPaths.read(effective, s.text("TimestampPath"), "TimestampPath");
                var target = ChoiceRules.parseTimestamp(ts);
                if (target == null) {
                    throw StatesException.runtime("The Timestamp does not reference a valid ISO-8601 timestamp: " + ts);
                }
                duration = Duration.between(options.clock().instant(), target.toInstant());
            }
            if (!duration.isNegative() && !duration.isZero()) {
                sleepWithinDeadline(duration);
            }
            return JsonPaths.select(effective, s.get("OutputPath"), "OutputPath");
        }

        private void sleepWithinDeadline(Duration duration) {
            if (deadline != null) {
                Duration remaining = Duration.between(options.clock().instant(), deadline);
                if (remaining.compareTo(duration) < 0) {
                    if (!remaining.isNegative()) {
                        options.sleeper().sleep(remaining);
                    }
                    throw new ExecutionTimedOutException("The execution ran longer than its TimeoutSeconds ("
                            + machine.timeoutSeconds() + " s)");
                }
            }
            options.sleeper().sleep(duration);
        }

        // ---------------------------------------------------------------- retry and catch

        @FunctionalInterface
        private interface StateAttempt {
            JsonNode run(int retryCount, ObjectNode retryDetail);
        }

        private Transition withErrorHandling(StateMachine.State s, JsonNode raw, Track track, StateAttempt attempt) {
            List<StateMachine.Retrier> retriers = s.retriers();
            int[] attempts = new int[retriers.size()];
            int retryCount = 0;
            ObjectNode retryDetail = null;
            while (true) {
                try {
                    JsonNode output = attempt.run(retryCount, retryDetail);
                    return exit(s, track, s.next(), output);
                } catch (StatesException e) {
                    if (e.terminal()) {
                        throw e;
                    }
                    int index = -1;
                    for (int i = 0; i < retriers.size(); i++) {
                        if (retriers.get(i).matches(e.error())) {
                            index = i;
                            break;
                        }
                    }
                    if (index >= 0 && attempts[index] < retriers.get(index).maxAttempts()) {
                        StateMachine.Retrier r = retriers.get(index);
                        double seconds = r.intervalSeconds() * Math.pow(r.backoffRate(), attempts[index]);
                        if (r.maxDelaySeconds() != null) {
                            seconds = Math.min(seconds, r.maxDelaySeconds());
                        }
                        if (r.fullJitter()) {
                            seconds = seconds * options.random().nextDouble();
                        }
                        attempts[index]++;
                        retryCount++;
                        Duration delay = Duration.ofNanos(Math.round(seconds * 1_000_000_000L));
                        sleepWithinDeadline(delay);
                        retryDetail = NODES.objectNode();
                        retryDetail.put("attempt", retryCount);
                        retryDetail.put("retrier", index);
                        retryDetail.put("delaySeconds", seconds);
                        if (e.error() != null) {
                            retryDetail.put("error", e.error());
                        }
                        continue;
                    }
                    for (StateMachine.Catcher c : s.catchers()) {
                        if (c.matches(e.error())) {
                            ObjectNode errorOutput = NODES.objectNode();
                            errorOutput.put("Error", e.error());
                            if (e.cause() != null) {
                                errorOutput.put("Cause", e.cause());
                            }
                            JsonNode output = JsonPaths.applyResultPath(raw, errorOutput, c.resultPath(), true);
                            checkStateData(s, output);
                            ObjectNode d = NODES.objectNode();
                            d.put("name", s.name());
                            d.set("output", output);
                            ObjectNode caught = d.putObject("caught");
                            caught.put("error", e.error());
                            caught.put("cause", e.cause());
                            caught.put("next", c.next());
                            record(track, s.type().aslName() + "StateExited", d);
                            return new Transition(c.next(), output);
                        }
                    }
                    throw e;
                }
            }
        }

        // ---------------------------------------------------------------- Task

        private JsonNode task(StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx, ObjectNode retryDetail) {
            String resource = s.text("Resource");
            JsonNode effective = JsonPaths.select(raw, s.get("InputPath"), "InputPath");
            String token = null;
            if (resource.endsWith(".waitForTaskToken")) {
                token = randomToken();
                ctx.putObject("Task").put("Token", token);
            }
            JsonNode parameters = s.has("Parameters")
                    ? JsonPaths.applyTemplate(s.get("Parameters"), effective, ctx, intrinsics, "Parameters")
                    : effective;
            checkStateData(s, parameters);
            Integer timeoutSeconds = null;
            if (s.has("TimeoutSeconds")) {
                timeoutSeconds = s.get("TimeoutSeconds").asInt();
            } else if (s.has("TimeoutSecondsPath")) {
                JsonNode t = JsonPaths.read(effective, s.text("TimeoutSecondsPath"), "TimeoutSecondsPath");
                if (!t.isIntegralNumber() || t.asLong() <= 0) {
                    throw StatesException.runtime("TimeoutSecondsPath must reference a positive integer, was " + t);
                }
                timeoutSeconds = t.asInt();
            }
            Integer heartbeat = s.has("HeartbeatSeconds") ? s.get("HeartbeatSeconds").asInt() : null;
            Duration timeout = timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds);

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
            record(track, "TaskScheduled", scheduled);
            record(track, "TaskStarted", NODES.objectNode().put("resource", resource));

            long timeoutNanos = timeout == null ? -1
                    : Math.max(1, (long) (timeout.toNanos() * options.taskTimeoutScale()));
            long startNanos = System.nanoTime();
            TaskRequest request = new TaskRequest(resource, parameters.deepCopy(), token, ctx, timeout);
            JsonNode result;
            try {
                JsonNode invoked = checkTaskResult(resource,
                        timed(() -> invoker.invoke(request), timeoutNanos, startNanos, timeoutSeconds));
                if (token != null) {
                    ObjectNode submitted = NODES.objectNode();
                    submitted.put("resource", resource);
                    submitted.set("output", invoked == null ? NullNode.getInstance() : invoked);
                    record(track, "TaskSubmitted", submitted);
                    TaskTokenWaiter waiter = options.taskTokenWaiter();
                    if (waiter == null) {
                        throw new TaskFailedException(StatesErrors.TASK_FAILED, "Resource " + resource
                                + " waits for a task token but no TaskTokenWaiter was configured");
                    }
                    String t = token;
                    Duration wait = heartbeat != null ? Duration.ofSeconds(heartbeat) : timeout;
                    invoked = checkTaskResult(resource,
                            timed(() -> waiter.await(t, wait), timeoutNanos, startNanos, timeoutSeconds));
                }
                result = invoked == null ? NullNode.getInstance() : invoked;
            } catch (TaskFailedException e) {
                String type = StatesErrors.TIMEOUT.equals(e.error()) || StatesErrors.HEARTBEAT_TIMEOUT.equals(e.error())
                        ? "TaskTimedOut" : "TaskFailed";
                ObjectNode failed = errorDetails(e.error(), e.cause());
                failed.put("resource", resource);
                record(track, type, failed);
                throw new StatesException(e.error(), e.cause());
            }
            ObjectNode succeeded = NODES.objectNode();
            succeeded.put("resource", resource);
            succeeded.set("output", result);
            record(track, "TaskSucceeded", succeeded);
            JsonNode selected = s.has("ResultSelector")
                    ? JsonPaths.applyTemplate(s.get("ResultSelector"), result, ctx, intrinsics, "ResultSelector")
                    : result;
            JsonNode merged = JsonPaths.applyResultPath(raw, selected, s.text("ResultPath"), s.has("ResultPath"));
            return JsonPaths.select(merged, s.get("OutputPath"), "OutputPath");
        }

        /**
         * A task result over the payload quota is a task failure, {@code States.DataLimitExceeded}, recorded as
         * TaskFailed and offered to Retry and Catch: AWS behaves so (a Catch on the name or on {@code States.ALL}
         * handles it), with the integration's service name, or the ARN of a plain Lambda resource, in the cause.
         */
        private static JsonNode checkTaskResult(String resource, JsonNode result) {
            if (Quotas.exceedsPayload(result)) {
                String service = resource.startsWith("arn:aws:states:::")
                        ? resource.substring("arn:aws:states:::".length()).split(":", 2)[0] : resource;
                throw new TaskFailedException(StatesErrors.DATA_LIMIT_EXCEEDED, StatesException.taskResultTooLarge(service));
            }
            return result;
        }

        /**
         * Runs a task call, on this thread when nothing bounds it, else on a pool thread with the tighter of the task
         * timeout and the execution deadline. Failures come back as TaskFailedException.
         */
        private JsonNode timed(Callable<JsonNode> call, long timeoutNanos, long startNanos, Integer timeoutSeconds) {
            Duration untilDeadline = deadline == null ? null : Duration.between(options.clock().instant(), deadline);
            if (timeoutNanos < 0 && untilDeadline == null) {
                return callTask(call);
            }
            long taskLeft = timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - startNanos);
            long executionLeft = untilDeadline == null ? Long.MAX_VALUE : Math.max(0, untilDeadline.toNanos());
            long wait = Math.max(0, Math.min(taskLeft, executionLeft));
            Future<JsonNode> future = pool().submit(() -> callTask(call));
            try {
                return future.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                if (executionLeft <= taskLeft) {
                    throw new ExecutionTimedOutException("The execution ran longer than its TimeoutSeconds ("
                            + machine.timeoutSeconds() + " s)");
                }
                throw new TaskFailedException(StatesErrors.TIMEOUT,
                        "The task did not complete within its TimeoutSeconds (" + timeoutSeconds + " s)");
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for a task");
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }

        private static JsonNode callTask(Callable<JsonNode> call) {
            try {
                return call.call();
            } catch (TaskFailedException | CancellationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new TaskFailedException(StatesErrors.TASK_FAILED, e.getMessage() != null ? e.getMessage()
                        : e.getClass().getName());
            } catch (Exception e) {
                throw new TaskFailedException(StatesErrors.TASK_FAILED, e.toString());
            }
        }

        /** Like Step Functions' tokens, it starts "AQ": never with "-", which a command line would take for an option. */
        private String randomToken() {
            byte[] bytes = new byte[48];
            options.random().nextBytes(bytes);
            return "AQ" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        private ExecutorService pool() {
            synchronized (this) {
                if (pool == null) {
                    ThreadFactory factory = r -> {
                        Thread t = new Thread(r, "sfn-" + options.executionName() + "-" + threadCounter.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    pool = Executors.newCachedThreadPool(factory);
                }
                return pool;
            }
        }

        private static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException re) {
                return re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            return new IllegalStateException(t);
        }

        // ---------------------------------------------------------------- Map

        private JsonNode map(StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx, ObjectNode retryDetail,
                             Cancellation parentCancellation) {
            JsonNode effective = JsonPaths.select(raw, s.get("InputPath"), "InputPath");
            String itemsPath = s.has("ItemsPath") && !s.get("ItemsPath").isNull() ? s.text("ItemsPath") : "$";
            JsonNode items = JsonPaths.read(effective, itemsPath, "ItemsPath");
            if (!items.isArray()) {
                throw StatesException.runtime("Map state '" + s.name() + "': ItemsPath '" + itemsPath
                        + "' must reference a JSON array, found " + JsonPaths.abbreviate(items));
            }
            int n = items.size();
            ObjectNode started = NODES.objectNode();
            started.put("length", n);
            if (retryDetail != null) {
                started.set("retry", retryDetail);
            }
            long startedId = record(track, "MapStateStarted", started);
            JsonNode selector = s.has("ItemSelector") ? s.get("ItemSelector") : s.get("Parameters");
            int maxConcurrency = s.has("MaxConcurrency") ? s.get("MaxConcurrency").asInt() : 0;
            int concurrency = maxConcurrency == 0 ? options.mapConcurrencyLimit()
                    : Math.min(maxConcurrency, options.mapConcurrencyLimit());
            StateMachine processor = s.branches().get(0);
            boolean tolerant = s.has("ToleratedFailurePercentage") || s.has("ToleratedFailureCount");
            Cancellation cancellation = new Cancellation(parentCancellation);

            JsonNode[] outputs = new JsonNode[n];
            StatesException[] failures = new StatesException[n];
            AtomicInteger nextIndex = new AtomicInteger();
            AtomicReference<RuntimeException> fatal = new AtomicReference<>();
            Runnable worker = () -> {
                while (!cancellation.isCancelled()) {
                    int i = nextIndex.getAndIncrement();
                    if (i >= n) {
                        return;
                    }
                    try {
                        outputs[i] = iteration(s, processor, selector, effective, items.get(i), i, ctx, startedId,
                                cancellation);
                    } catch (StatesException e) {
                        failures[i] = e;
                        if (!tolerant || e.terminal()) {
                            cancellation.cancelled = true;
                        }
                    } catch (ScopeCancelledException e) {
                        return;
                    } catch (RuntimeException e) {
                        fatal.compareAndSet(null, e);
                        cancellation.cancelled = true;
                        return;
                    }
                }
            };
            runWorkers(worker, Math.min(n, concurrency));
            if (fatal.get() != null) {
                throw fatal.get();
            }
            checkAlive(parentCancellation);

            StatesException failure = null;
            int failed = 0;
            ArrayNode results = NODES.arrayNode();
            for (int i = 0; i < n; i++) {
                if (failures[i] != null) {
                    failed++;
                    if (failure == null || (failures[i].terminal() && !failure.terminal())) {
                        failure = failures[i];
                    }
                    ObjectNode errorOutput = NODES.objectNode();
                    errorOutput.put("Error", failures[i].error());
                    if (failures[i].cause() != null) {
                        errorOutput.put("Cause", failures[i].cause());
                    }
                    results.add(errorOutput);
                } else {
                    results.add(outputs[i] == null ? NullNode.getInstance() : outputs[i]);
                }
            }
            if (failure != null) {
                if (tolerant && !failure.terminal()) {
                    boolean exceeded = false;
                    if (s.has("ToleratedFailureCount") && failed > s.get("ToleratedFailureCount").asInt()) {
                        exceeded = true;
                    }
                    if (s.has("ToleratedFailurePercentage")
                            && failed * 100.0 / n > s.get("ToleratedFailurePercentage").asDouble()) {
                        exceeded = true;
                    }
                    if (exceeded) {
                        failure = new StatesException(StatesErrors.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                "The specified tolerated failure threshold was exceeded (" + failed + " of " + n
                                        + " items failed)");
                    } else {
                        failure = null;
                    }
                }
                if (failure != null) {
                    record(track, "MapStateFailed", errorDetails(failure.error(), failure.cause()));
                    throw failure;
                }
            }
            record(track, "MapStateSucceeded", NODES.objectNode());
            JsonNode selected = s.has("ResultSelector")
                    ? JsonPaths.applyTemplate(s.get("ResultSelector"), results, ctx, intrinsics, "ResultSelector")
                    : results;
            JsonNode merged = JsonPaths.applyResultPath(raw, selected, s.text("ResultPath"), s.has("ResultPath"));
            return JsonPaths.select(merged, s.get("OutputPath"), "OutputPath");
        }

        private JsonNode iteration(StateMachine.State s, StateMachine processor, JsonNode selector, JsonNode effective,
                                   JsonNode item, int index, ObjectNode ctx, long startedId, Cancellation cancellation) {
            Track track = new Track(startedId);
            ObjectNode d = NODES.objectNode();
            d.put("name", s.name());
            d.put("index", index);
            record(track, "MapIterationStarted", d);
            try {
                JsonNode input = item;
                if (selector != null) {
                    // shallow copy: context values are never mutated, and $$.Execution.Input may be large
                    ObjectNode itemCtx = NODES.objectNode();
                    itemCtx.setAll(ctx);
                    ObjectNode mapItem = itemCtx.putObject("Map").putObject("Item");
                    mapItem.put("Index", index);
                    mapItem.set("Value", item);
                    input = JsonPaths.applyTemplate(selector, effective, itemCtx, intrinsics,
                            s.has("ItemSelector") ? "ItemSelector" : "Parameters");
                    checkStateData(s, input);
                }
                JsonNode output = runScope(processor, input, track, cancellation);
                ObjectNode ok = d.deepCopy();
                ok.set("output", output);
                record(track, "MapIterationSucceeded", ok);
                return output;
            } catch (StatesException e) {
                ObjectNode bad = d.deepCopy();
                bad.setAll(errorDetails(e.error(), e.cause()));
                record(track, "MapIterationFailed", bad);
                throw e;
            } catch (ScopeCancelledException e) {
                if (!terminated) {
                    record(track, "MapIterationAborted", d.deepCopy());
                }
                throw e;
            }
        }

        /** Runs {@code workers} copies of a worker: inline for one, else on pool threads, waiting for all. */
        private void runWorkers(Runnable worker, int workers) {
            if (workers <= 0) {
                return;
            }
            if (workers == 1) {
                worker.run();
                return;
            }
            List<Future<?>> futures = new ArrayList<>(workers);
            for (int i = 0; i < workers; i++) {
                futures.add(pool().submit(worker));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    terminated = true;
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted while waiting for iterations");
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        }

        // ---------------------------------------------------------------- Parallel

        private JsonNode parallel(StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx,
                                  ObjectNode retryDetail, Cancellation parentCancellation) {
            JsonNode effective = JsonPaths.select(raw, s.get("InputPath"), "InputPath");
            JsonNode branchInput = s.has("Parameters")
                    ? JsonPaths.applyTemplate(s.get("Parameters"), effective, ctx, intrinsics, "Parameters")
                    : effective;
            checkStateData(s, branchInput);
            ObjectNode started = NODES.objectNode();
            if (retryDetail != null) {
                started.set("retry", retryDetail);
            }
            long startedId = record(track, "ParallelStateStarted", started);
            List<StateMachine> branches = s.branches();
            int n = branches.size();
            JsonNode[] outputs = new JsonNode[n];
            StatesException[] failures = new StatesException[n];
            AtomicReference<RuntimeException> fatal = new AtomicReference<>();
            Cancellation cancellation = new Cancellation(parentCancellation);
            AtomicInteger nextBranch = new AtomicInteger();
            Runnable worker = () -> {
                while (!cancellation.isCancelled()) {
                    int i = nextBranch.getAndIncrement();
                    if (i >= n) {
                        return;
                    }
                    try {
                        outputs[i] = runScope(branches.get(i), branchInput, new Track(startedId), cancellation);
                    } catch (StatesException e) {
                        failures[i] = e;
                        cancellation.cancelled = true;
                    } catch (ScopeCancelledException e) {
                        return;
                    } catch (RuntimeException e) {
                        fatal.compareAndSet(null, e);
                        cancellation.cancelled = true;
                        return;
                    }
                }
            };
            runWorkers(worker, n);
            if (fatal.get() != null) {
                throw fatal.get();
            }
            checkAlive(parentCancellation);
            StatesException failure = null;
            for (StatesException f : failures) {
                if (f != null && (failure == null || (f.terminal() && !failure.terminal()))) {
                    failure = f;
                }
            }
            if (failure != null) {
                record(track, "ParallelStateFailed", errorDetails(failure.error(), failure.cause()));
                throw failure;
            }
            ArrayNode results = NODES.arrayNode();
            for (JsonNode o : outputs) {
                results.add(o);
            }
            record(track, "ParallelStateSucceeded", NODES.objectNode());
            JsonNode selected = s.has("ResultSelector")
                    ? JsonPaths.applyTemplate(s.get("ResultSelector"), results, ctx, intrinsics, "ResultSelector")
                    : results;
            JsonNode merged = JsonPaths.applyResultPath(raw, selected, s.text("ResultPath"), s.has("ResultPath"));
            return JsonPaths.select(merged, s.get("OutputPath"), "OutputPath");
        }
    }
}
