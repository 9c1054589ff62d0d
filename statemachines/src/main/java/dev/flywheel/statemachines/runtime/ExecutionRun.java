package dev.flywheel.statemachines.runtime;

import dev.flywheel.domain.ExecutionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One execution of a state machine: what all its paths share (history, deadline, context object, thread pool) and
 * the loop that walks a scope from state to state, handing each state to the {@link StateHandler} of its type.
 */
final class ExecutionRun {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final StateHandler PASS = new PassState();
    private static final StateHandler SUCCEED = new SucceedState();
    private static final StateHandler FAIL = new FailState();
    private static final StateHandler CHOICE = new ChoiceState();
    private static final StateHandler WAIT = new WaitState();
    // Task, Map and Parallel states may have Retry and Catch
    private static final StateHandler TASK = RetryAndCatch.around(new TaskState());
    private static final StateHandler MAP = RetryAndCatch.around(new MapState());
    private static final StateHandler PARALLEL = RetryAndCatch.around(new ParallelState());

    private final StateMachine machine;
    private final TaskInvoker invoker;
    private final ExecutionOptions options;
    private final StateInputOutput io;
    private final History history;
    private final JsonNode executionInput;
    private final Instant start;
    private final Deadline deadline;
    private volatile boolean terminated;
    private ExecutorService pool;
    private final AtomicInteger threadCounter = new AtomicInteger();

    /** Starts the execution's clock; {@link #run()} runs it. */
    ExecutionRun(StateMachine machine, TaskInvoker invoker, ExecutionOptions options, JsonNode input) {
        this.machine = machine;
        this.invoker = invoker;
        this.options = options;
        this.io = new StateInputOutput(new Intrinsics(options.random()));
        this.history = new History(options);
        this.executionInput = input;
        this.start = options.clock().instant();
        this.deadline = new Deadline(machine.timeoutSeconds(), start, options);
    }

    ExecutionResult run() {
        Track track = new Track(0);
        ObjectNode started = NODES.objectNode();
        started.set("input", executionInput);
        started.put("roleArn", options.roleArn());
        started.put("stateMachineArn", options.stateMachineArn());
        started.put("name", options.executionName());
        history.record(track, "ExecutionStarted", started);
        ExecutionEnd ending;
        JsonNode output = null;
        try {
            output = runScope(machine, executionInput, track, new Cancellation(null));
            ending = new ExecutionEnd(ExecutionStatus.SUCCEEDED, "ExecutionSucceeded", null, null);
            history.record(track, ending.event(), NODES.objectNode().set("output", output));
        } catch (RuntimeException e) {
            ending = ExecutionEnd.of(e, options.executionName());
            history.record(track, ending.event(), History.errorDetails(ending.error(), ending.cause()));
        } finally {
            terminated = true;
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return new ExecutionResult(options.executionArn(), ending.status(),
                ending.status() == ExecutionStatus.SUCCEEDED ? output : null, ending.error(), ending.cause(),
                history.events(), start, options.clock().instant());
    }

    /** Runs a scope (the state machine, a Map item processor, a Parallel branch) from StartAt to its end. */
    JsonNode runScope(StateMachine scope, JsonNode input, Track track, Cancellation cancellation) {
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

    /** Throws when the thread was interrupted, the execution timed out or ended, or the scope was cancelled. */
    void checkAlive(Cancellation cancellation) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted");
        }
        deadline.check();
        if (terminated || cancellation.isCancelled()) {
            throw new ScopeCancelledException();
        }
    }

    private Transition runState(StateMachine.State s, JsonNode raw, Track track, Cancellation cancellation) {
        Instant entered = options.clock().instant();
        ObjectNode enteredDetails = NODES.objectNode();
        enteredDetails.put("name", s.name());
        enteredDetails.set("input", raw);
        history.record(track, s.type().aslName() + "StateEntered", enteredDetails);
        StateHandler handler = switch (s.type()) {
            case PASS -> PASS;
            case SUCCEED -> SUCCEED;
            case FAIL -> FAIL;
            case CHOICE -> CHOICE;
            case WAIT -> WAIT;
            case TASK -> TASK;
            case MAP -> MAP;
            case PARALLEL -> PARALLEL;
        };
        return handler.run(this, s, raw, track, entered, cancellation);
    }

    /** Leaves a state: checks its output against the payload quota and records StateExited. */
    Transition exit(StateMachine.State s, Track track, String next, JsonNode output) {
        return exit(s, track, next, output, null);
    }

    /** Like {@link #exit(StateMachine.State, Track, String, JsonNode)}; {@code caught} tells what a Catch handled. */
    Transition exit(StateMachine.State s, Track track, String next, JsonNode output, ObjectNode caught) {
        StateInputOutput.checkStateData(s, output);
        ObjectNode d = NODES.objectNode();
        d.put("name", s.name());
        d.set("output", output);
        if (caught != null) {
            d.set("caught", caught);
        }
        history.record(track, s.type().aslName() + "StateExited", d);
        return new Transition(next, output);
    }

    /** The context object ({@code $$}) of a state. */
    ObjectNode context(StateMachine.State s, Instant entered, int retryCount) {
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

    /** The execution's threads, for Map iterations, Parallel branches and tasks with a timeout; made when needed. */
    ExecutorService pool() {
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

    /** Marks the execution ended: every path stops at its next state transition. */
    void terminate() {
        terminated = true;
    }

    boolean terminated() {
        return terminated;
    }

    ExecutionOptions options() {
        return options;
    }

    TaskInvoker invoker() {
        return invoker;
    }

    StateInputOutput io() {
        return io;
    }

    History history() {
        return history;
    }

    Deadline deadline() {
        return deadline;
    }

    /** The exception a worker thread threw, to throw again on this one. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(t);
    }
}
