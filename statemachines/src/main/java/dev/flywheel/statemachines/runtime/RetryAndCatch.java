package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;

/**
 * Retry and Catch around the attempts of a Task, Map or Parallel state. A terminal error fails the state whatever
 * they say. Otherwise the first retrier whose ErrorEquals matches the error runs the state again while it has
 * attempts left, after its back-off; else the first matching catcher puts the error output at its ResultPath and
 * goes to its Next; else the error fails the state.
 */
final class RetryAndCatch {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RetryAndCatch() {
    }

    /** The handler of a state type whose attempts are {@code attempt}; each attempt gets a new context object. */
    static StateHandler around(StateHandler.Attempt attempt) {
        return (execution, s, raw, track, entered, cancellation) -> run(execution, s, raw, track,
                (retryCount, retryDetail) -> attempt.run(execution, s, raw, track,
                        execution.context(s, entered, retryCount), retryDetail, cancellation));
    }

    @FunctionalInterface
    private interface Retryable {
        JsonNode run(int retryCount, ObjectNode retryDetail);
    }

    private static Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track,
                                  Retryable attempt) {
        List<StateMachine.Retrier> retriers = s.retriers();
        int[] attempts = new int[retriers.size()];
        int retryCount = 0;
        ObjectNode retryDetail = null;
        while (true) {
            try {
                JsonNode output = attempt.run(retryCount, retryDetail);
                return execution.exit(s, track, s.next(), output);
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
                    double seconds = delaySeconds(execution, retriers.get(index), attempts[index]);
                    attempts[index]++;
                    retryCount++;
                    Duration delay = Duration.ofNanos(Math.round(seconds * 1_000_000_000L));
                    execution.deadline().sleep(delay);
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
                        return caught(execution, s, raw, track, e, c);
                    }
                }
                throw e;
            }
        }
    }

    /**
     * IntervalSeconds * BackoffRate^(retries so far by this retrier), capped at MaxDelaySeconds, times a random
     * factor in [0, 1) with FULL jitter.
     */
    private static double delaySeconds(ExecutionRun execution, StateMachine.Retrier r, int retriesSoFar) {
        double seconds = r.intervalSeconds() * Math.pow(r.backoffRate(), retriesSoFar);
        if (r.maxDelaySeconds() != null) {
            seconds = Math.min(seconds, r.maxDelaySeconds());
        }
        if (r.fullJitter()) {
            seconds = seconds * execution.options().random().nextDouble();
        }
        return seconds;
    }

    /** Leaves the state through catcher {@code c}; its StateExited event tells what was caught. */
    private static Transition caught(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track,
                                     StatesException e, StateMachine.Catcher c) {
        JsonNode output = JsonPaths.applyResultPath(raw, StateInputOutput.errorOutput(e), c.resultPath(), true);
        ObjectNode caught = NODES.objectNode();
        caught.put("error", e.error());
        caught.put("cause", e.cause());
        caught.put("next", c.next());
        return execution.exit(s, track, c.next(), output, caught);
    }
}
