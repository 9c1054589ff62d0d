package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Succeed states: end their scope with the input, through InputPath and OutputPath. */
final class SucceedState implements StateHandler {
    @Override
    public Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, Instant entered,
                          Cancellation cancellation) {
        StateInputOutput io = execution.io();
        return execution.exit(s, track, null, io.outputPath(s, io.inputPath(s, raw)));
    }
}
