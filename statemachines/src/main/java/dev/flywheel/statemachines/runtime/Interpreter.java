package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;
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
 *
 * <p>One execution is an {@link ExecutionRun}, which hands each state to the {@link StateHandler} of its type
 * ({@link PassState}, {@link TaskState}, {@link ChoiceState}, {@link WaitState}, {@link SucceedState},
 * {@link FailState}, {@link ParallelState}, {@link MapState}); {@link RetryAndCatch} handles the errors of Task, Map
 * and Parallel states, {@link StateInputOutput} the input and output processing, and {@link History} the events.
 */
public final class Interpreter {
    /**
     * The execution's logger. Made when this class loads, before any execution runs: making it later, on a thread
     * that an interrupt has just aborted, can fail (the logging backend may not start on an interrupted thread).
     */
    static final Logger LOG = LoggerFactory.getLogger(Interpreter.class);

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
        JsonNode safeInput = input == null ? JsonNodeFactory.instance.objectNode() : input.deepCopy();
        return new ExecutionRun(stateMachine, invoker, options, safeInput).run();
    }
}
