package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Pass states: the result is Result, else Parameters applied to the effective input, else that input. */
final class PassState implements StateHandler {
    @Override
    public Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, Instant entered,
                          Cancellation cancellation) {
        StateInputOutput io = execution.io();
        JsonNode effective = io.inputPath(s, raw);
        JsonNode result;
        if (s.has("Result")) {
            result = s.get("Result");
        } else if (s.has("Parameters")) {
            result = io.parameters(s, effective, execution.context(s, entered, 0));
        } else {
            result = effective;
        }
        return execution.exit(s, track, s.next(), io.resultAndOutputPath(s, raw, result));
    }
}
