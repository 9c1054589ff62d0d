package dev.flywheel.statemachines.runtime;

import java.time.Duration;
import java.time.Instant;

/** The execution's TimeoutSeconds, measured on the execution clock from its start; none when it has no timeout. */
final class Deadline {
    private final Integer timeoutSeconds;
    private final Instant at;
    private final ExecutionOptions options;

    Deadline(Integer timeoutSeconds, Instant start, ExecutionOptions options) {
        this.timeoutSeconds = timeoutSeconds;
        this.at = timeoutSeconds == null ? null : start.plusSeconds(timeoutSeconds);
        this.options = options;
    }

    /** Throws {@link ExecutionTimedOutException} once the execution clock has reached the deadline. */
    void check() {
        if (at != null && !options.clock().instant().isBefore(at)) {
            throw timedOut();
        }
    }

    /** The time left before the deadline (negative once past it), or null when there is no deadline. */
    Duration remaining() {
        return at == null ? null : Duration.between(options.clock().instant(), at);
    }

    /**
     * Sleeps for a Wait state or a retry back-off. When the deadline comes first, sleeps until the deadline only and
     * throws {@link ExecutionTimedOutException}.
     */
    void sleep(Duration duration) {
        Duration remaining = remaining();
        if (remaining != null && remaining.compareTo(duration) < 0) {
            if (!remaining.isNegative()) {
                options.sleeper().sleep(remaining);
            }
            throw timedOut();
        }
        options.sleeper().sleep(duration);
    }

    ExecutionTimedOutException timedOut() {
        return new ExecutionTimedOutException("The execution ran longer than its TimeoutSeconds ("
                + timeoutSeconds + " s)");
    }
}
