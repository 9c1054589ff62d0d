package dev.flywheel.statemachines.runtime;

import java.time.Clock;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * How one execution runs: its names, time sources, listener and concurrency limits. Immutable; build with
 * {@link #builder()}; {@link #defaults()} gives a real clock and real sleeps.
 */
public final class ExecutionOptions {
    /** Inline Map states run at most 40 iterations at once on AWS; {@code MaxConcurrency: 0} means this many. */
    public static final int DEFAULT_MAP_CONCURRENCY_LIMIT = 40;

    private final String executionName;
    private final String stateMachineName;
    private final String region;
    private final String accountId;
    private final String roleArn;
    private final Sleeper sleeper;
    private final Clock clock;
    private final TaskTokenWaiter taskTokenWaiter;
    private final ExecutionListener listener;
    private final int mapConcurrencyLimit;
    private final Random random;
    private final double taskTimeoutScale;
    private final ItemReaderSource itemReaderSource;

    private ExecutionOptions(Builder b) {
        this.executionName = b.executionName != null ? b.executionName : UUID.randomUUID().toString();
        this.stateMachineName = b.stateMachineName;
        this.region = b.region;
        this.accountId = b.accountId;
        this.roleArn = b.roleArn != null ? b.roleArn
                : "arn:aws:iam::" + b.accountId + ":role/service-role/StepFunctions-" + b.stateMachineName + "-role";
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        this.taskTokenWaiter = b.taskTokenWaiter;
        this.listener = b.listener;
        this.mapConcurrencyLimit = b.mapConcurrencyLimit;
        this.random = b.random;
        this.taskTimeoutScale = b.taskTimeoutScale;
        this.itemReaderSource = b.itemReaderSource;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ExecutionOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.executionName = executionName;
        b.stateMachineName = stateMachineName;
        b.region = region;
        b.accountId = accountId;
        b.roleArn = roleArn;
        b.sleeper = sleeper;
        b.clock = clock;
        b.taskTokenWaiter = taskTokenWaiter;
        b.listener = listener;
        b.mapConcurrencyLimit = mapConcurrencyLimit;
        b.random = random;
        b.taskTimeoutScale = taskTimeoutScale;
        b.itemReaderSource = itemReaderSource;
        return b;
    }

    public String executionName() {
        return executionName;
    }

    public String stateMachineName() {
        return stateMachineName;
    }

    /** {@code arn:aws:states:REGION:ACCOUNT:stateMachine:NAME}, exposed as {@code $$.StateMachine.Id}. */
    public String stateMachineArn() {
        return "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + stateMachineName;
    }

    /** {@code arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME}, exposed as {@code $$.Execution.Id}. */
    public String executionArn() {
        return "arn:aws:states:" + region + ":" + accountId + ":execution:" + stateMachineName + ":" + executionName;
    }

    public String roleArn() {
        return roleArn;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    public Clock clock() {
        return clock;
    }

    /** The waiter for {@code .waitForTaskToken} tasks; null when none was configured. */
    public TaskTokenWaiter taskTokenWaiter() {
        return taskTokenWaiter;
    }

    public ExecutionListener listener() {
        return listener;
    }

    public int mapConcurrencyLimit() {
        return mapConcurrencyLimit;
    }

    public Random random() {
        return random;
    }

    public double taskTimeoutScale() {
        return taskTimeoutScale;
    }

    /**
     * Where the ItemReader of a distributed Map state reads its items (the S3 objects of the definition); null when
     * none was configured, and then such a Map state fails with {@code States.ItemReaderFailed}.
     */
    public ItemReaderSource itemReaderSource() {
        return itemReaderSource;
    }

    public static final class Builder {
        private String executionName;
        private String stateMachineName = "LocalStateMachine";
        private String region = "us-east-1";
        private String accountId = "123456789012";
        private String roleArn;
        private Sleeper sleeper = Sleeper.system();
        private Clock clock = Clock.systemUTC();
        private TaskTokenWaiter taskTokenWaiter;
        private ExecutionListener listener = ExecutionListener.none();
        private int mapConcurrencyLimit = DEFAULT_MAP_CONCURRENCY_LIMIT;
        private Random random = new Random();
        private double taskTimeoutScale = 1.0;
        private ItemReaderSource itemReaderSource;

        private Builder() {
        }

        /** The execution name ({@code $$.Execution.Name}); default a random UUID. */
        public Builder executionName(String executionName) {
            this.executionName = requireText(executionName, "executionName");
            return this;
        }

        /** The state machine name ({@code $$.StateMachine.Name}); default {@code LocalStateMachine}. */
        public Builder stateMachineName(String stateMachineName) {
            this.stateMachineName = requireText(stateMachineName, "stateMachineName");
            return this;
        }

        /** Region and account used in the ARNs; default us-east-1 and 123456789012. */
        public Builder arnScope(String region, String accountId) {
            this.region = requireText(region, "region");
            this.accountId = requireText(accountId, "accountId");
            return this;
        }

        /** {@code $$.Execution.RoleArn}; default a service role named after the state machine. */
        public Builder roleArn(String roleArn) {
            this.roleArn = requireText(roleArn, "roleArn");
            return this;
        }

        /** Waits of Wait states and retry back-off; default {@link Sleeper#system()}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Timestamps of events and the context object, Wait Timestamp and execution timeout; default UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder taskTokenWaiter(TaskTokenWaiter taskTokenWaiter) {
            this.taskTokenWaiter = Objects.requireNonNull(taskTokenWaiter, "taskTokenWaiter");
            return this;
        }

        public Builder listener(ExecutionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Most iterations one Map state runs at once when its {@code MaxConcurrency} is 0 (unlimited) or larger;
         * default 40 like AWS's inline Map. Each running iteration uses one thread; Parallel branches all run at once.
         */
        public Builder mapConcurrencyLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("mapConcurrencyLimit must be >= 1, was " + limit);
            }
            this.mapConcurrencyLimit = limit;
            return this;
        }

        /** Source of retry jitter, task tokens, States.UUID and States.MathRandom; seed it for repeatable runs. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder randomSeed(long seed) {
            return random(new Random(seed));
        }

        /**
         * Multiplies every task {@code TimeoutSeconds} before waiting for the task on the wall clock (default 1.0),
         * so tests can exercise a 1-second timeout in 1 ms. Reported timeouts keep the definition's values.
         */
        public Builder taskTimeoutScale(double scale) {
            if (!(scale > 0)) {
                throw new IllegalArgumentException("taskTimeoutScale must be > 0, was " + scale);
            }
            this.taskTimeoutScale = scale;
            return this;
        }

        /** Where ItemReader configurations ({@code s3:getObject}, {@code s3:listObjectsV2}) read; default none. */
        public Builder itemReaderSource(ItemReaderSource itemReaderSource) {
            this.itemReaderSource = Objects.requireNonNull(itemReaderSource, "itemReaderSource");
            return this;
        }

        public ExecutionOptions build() {
            return new ExecutionOptions(this);
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
