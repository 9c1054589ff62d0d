package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Parallel states: every branch runs at once on the effective input after Parameters; the first failed branch
 * cancels the others and fails the state, else the branch outputs, in branch order, are the result.
 */
final class ParallelState implements StateHandler.Attempt {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public JsonNode run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx,
                        ObjectNode retryDetail, Cancellation parentCancellation) {
        StateInputOutput io = execution.io();
        JsonNode branchInput = io.parameters(s, io.inputPath(s, raw), ctx);
        StateInputOutput.checkStateData(s, branchInput);
        ObjectNode started = NODES.objectNode();
        if (retryDetail != null) {
            started.set("retry", retryDetail);
        }
        long startedId = execution.history().record(track, "ParallelStateStarted", started);
        List<StateMachine> branches = s.branches();
        int n = branches.size();
        FanOut.Results done = FanOut.run(execution, n, n, parentCancellation,
                (i, cancellation) -> execution.runScope(branches.get(i), branchInput, new Track(startedId),
                        cancellation),
                e -> true);
        StatesException failure = done.failure();
        if (failure != null) {
            execution.history().record(track, "ParallelStateFailed",
                    History.errorDetails(failure.error(), failure.cause()));
            throw failure;
        }
        ArrayNode results = NODES.arrayNode();
        for (JsonNode o : done.outputs) {
            results.add(o);
        }
        execution.history().record(track, "ParallelStateSucceeded", NODES.objectNode());
        return io.output(s, raw, results, ctx);
    }
}
