package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Runs the states of one ASL state type, once the state's StateEntered event is recorded: returns where to go next
 * and the state output (having recorded the StateExited event), or throws the state's error. Implementations keep no
 * state: one instance serves every execution.
 */
@FunctionalInterface
interface StateHandler {
    /**
     * @param execution    the execution the state runs in
     * @param s            the state
     * @param raw          the raw state input
     * @param track        the path of execution the state runs on
     * @param entered      when the state was entered ({@code $$.State.EnteredTime})
     * @param cancellation the cancellation of the scope the state runs in
     */
    Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, Instant entered,
                   Cancellation cancellation);

    /**
     * One attempt of a Task, Map or Parallel state, which {@link RetryAndCatch} may repeat or catch: returns the state
     * output, without recording the StateExited event.
     */
    @FunctionalInterface
    interface Attempt {
        /**
         * @param ctx         the context object of this attempt ({@code $$.State.RetryCount} counts the retries)
         * @param retryDetail what the retry of this attempt was, for its first event; null on the first attempt
         */
        JsonNode run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx,
                     ObjectNode retryDetail, Cancellation cancellation);
    }
}
