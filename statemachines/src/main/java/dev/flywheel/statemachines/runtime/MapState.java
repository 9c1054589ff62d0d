package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Map states (inline): the item processor runs once for each item of the array at ItemsPath, its input made by
 * ItemSelector (or the legacy Parameters) with {@code $$.Map.Item}, at most MaxConcurrency at once and never more than
 * {@link ExecutionOptions#mapConcurrencyLimit()}. A failed item cancels the others and fails the state, unless
 * ToleratedFailureCount or ToleratedFailurePercentage tolerate it; the result is the item outputs in item order.
 */
final class MapState implements StateHandler.Attempt {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public JsonNode run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx,
                        ObjectNode retryDetail, Cancellation parentCancellation) {
        StateInputOutput io = execution.io();
        JsonNode effective = io.inputPath(s, raw);
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
        History history = execution.history();
        long startedId = history.record(track, "MapStateStarted", started);
        JsonNode selector = s.has("ItemSelector") ? s.get("ItemSelector") : s.get("Parameters");
        int maxConcurrency = s.has("MaxConcurrency") ? s.get("MaxConcurrency").asInt() : 0;
        int limit = execution.options().mapConcurrencyLimit();
        int concurrency = maxConcurrency == 0 ? limit : Math.min(maxConcurrency, limit);
        Iterations iterations = new Iterations(execution, s, s.branches().get(0), selector, effective, ctx, startedId);
        boolean tolerant = s.has("ToleratedFailurePercentage") || s.has("ToleratedFailureCount");
        FanOut.Results done = FanOut.run(execution, n, Math.min(n, concurrency), parentCancellation,
                (i, cancellation) -> iterations.run(items.get(i), i, cancellation), e -> !tolerant || e.terminal());

        StatesException failure = done.failure();
        int failed = 0;
        ArrayNode results = NODES.arrayNode();
        for (int i = 0; i < n; i++) {
            if (done.failures[i] != null) {
                failed++;
                results.add(StateInputOutput.errorOutput(done.failures[i]));
            } else {
                results.add(done.outputs[i] == null ? NullNode.getInstance() : done.outputs[i]);
            }
        }
        if (failure != null) {
            if (tolerant && !failure.terminal()) {
                failure = beyondTolerance(s, failed, n);
            }
            if (failure != null) {
                history.record(track, "MapStateFailed", History.errorDetails(failure.error(), failure.cause()));
                throw failure;
            }
        }
        history.record(track, "MapStateSucceeded", NODES.objectNode());
        return io.output(s, raw, results, ctx);
    }

    /** States.ExceedToleratedFailureThreshold when {@code failed} of {@code n} items is beyond tolerance, else null. */
    private static StatesException beyondTolerance(StateMachine.State s, int failed, int n) {
        boolean exceeded = false;
        if (s.has("ToleratedFailureCount") && failed > s.get("ToleratedFailureCount").asInt()) {
            exceeded = true;
        }
        if (s.has("ToleratedFailurePercentage")
                && failed * 100.0 / n > s.get("ToleratedFailurePercentage").asDouble()) {
            exceeded = true;
        }
        if (!exceeded) {
            return null;
        }
        return new StatesException(StatesErrors.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded (" + failed + " of " + n + " items failed)");
    }

    /** What the iterations of one run of a Map state share; each runs on a path that starts at MapStateStarted. */
    private record Iterations(ExecutionRun execution, StateMachine.State s, StateMachine processor, JsonNode selector,
                              JsonNode effective, ObjectNode ctx, long startedId) {
        JsonNode run(JsonNode item, int index, Cancellation cancellation) {
            History history = execution.history();
            Track track = new Track(startedId);
            ObjectNode d = NODES.objectNode();
            d.put("name", s.name());
            d.put("index", index);
            history.record(track, "MapIterationStarted", d);
            try {
                JsonNode input = item;
                if (selector != null) {
                    // shallow copy: context values are never mutated, and $$.Execution.Input may be large
                    ObjectNode itemCtx = NODES.objectNode();
                    itemCtx.setAll(ctx);
                    ObjectNode mapItem = itemCtx.putObject("Map").putObject("Item");
                    mapItem.put("Index", index);
                    mapItem.set("Value", item);
                    input = execution.io().template(selector, effective, itemCtx,
                            s.has("ItemSelector") ? "ItemSelector" : "Parameters");
                    StateInputOutput.checkStateData(s, input);
                }
                JsonNode output = execution.runScope(processor, input, track, cancellation);
                ObjectNode ok = d.deepCopy();
                ok.set("output", output);
                history.record(track, "MapIterationSucceeded", ok);
                return output;
            } catch (StatesException e) {
                ObjectNode bad = d.deepCopy();
                bad.setAll(History.errorDetails(e.error(), e.cause()));
                history.record(track, "MapIterationFailed", bad);
                throw e;
            } catch (ScopeCancelledException e) {
                if (!execution.terminated()) {
                    history.record(track, "MapIterationAborted", d.deepCopy());
                }
                throw e;
            }
        }
    }
}
