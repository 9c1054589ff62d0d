package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Map states: the item processor runs once for each item of the array at ItemsPath, its input made by
 * ItemSelector (or the legacy Parameters) with {@code $$.Map.Item}, at most MaxConcurrency at once and never more than
 * {@link ExecutionOptions#mapConcurrencyLimit()}. A failed item cancels the others and fails the state, unless
 * ToleratedFailureCount or ToleratedFailurePercentage tolerate it; the result is the item outputs in item order.
 *
 * <p>Distributed mode ({@code "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": ...}}})
 * adds an {@link ItemReader} (the items come from Amazon S3 instead of ItemsPath) and an {@link ItemBatcher} (each
 * iteration gets {@code {"Items": [...], "BatchInput": ...}}, its items each through ItemSelector first). What differs
 * from AWS: there, each iteration of a distributed Map is a child execution (a Map Run, with MapRunStarted in the
 * parent's history, and up to 10,000 at once); here the iterations run in this process on the execution's threads,
 * at most {@link ExecutionOptions#mapConcurrencyLimit()} at once, and are recorded in the parent's history as
 * MapIterationStarted / Succeeded / Failed / Aborted events like inline iterations, so that they count against the
 * parent's {@link Quotas#HISTORY_EVENTS} (on AWS a Map Run's child executions have histories of their own), and
 * {@code ExecutionType} EXPRESS does not bound an iteration to 5 minutes. ResultWriter is refused when the definition
 * is loaded; the result is the array of iteration outputs, as for an inline Map. A failed batch counts as failed
 * items (all of its items) for ToleratedFailureCount and ToleratedFailurePercentage.
 */
final class MapState implements StateHandler.Attempt {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public JsonNode run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, ObjectNode ctx,
                        ObjectNode retryDetail, Cancellation parentCancellation) {
        StateInputOutput io = execution.io();
        JsonNode effective = io.inputPath(s, raw);
        JsonNode items;
        if (s.has("ItemReader")) {
            items = ItemReader.read(execution, s, effective, ctx);
        } else {
            String itemsPath = s.has("ItemsPath") && !s.get("ItemsPath").isNull() ? s.text("ItemsPath") : "$";
            items = JsonPaths.read(effective, itemsPath, "ItemsPath");
            if (!items.isArray()) {
                throw StatesException.runtime("Map state '" + s.name() + "': ItemsPath '" + itemsPath
                        + "' must reference a JSON array, found " + JsonPaths.abbreviate(items));
            }
        }
        JsonNode selector = s.has("ItemSelector") ? s.get("ItemSelector") : s.get("Parameters");
        String selectorField = s.has("ItemSelector") ? "ItemSelector" : "Parameters";
        // Without a batcher each item goes through ItemSelector in its own iteration; with one, before batching.
        List<JsonNode> inputs = new ArrayList<>(items.size());
        int[] weights = null;
        boolean batched = s.has("ItemBatcher");
        if (batched) {
            List<JsonNode> selected = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                selected.add(selector == null ? items.get(i)
                        : select(execution, s, selector, selectorField, effective, ctx, items.get(i), i));
            }
            inputs = ItemBatcher.batch(execution, s, selected, effective, ctx);
            weights = new int[inputs.size()];
            for (int b = 0; b < inputs.size(); b++) {
                weights[b] = inputs.get(b).get("Items").size();
            }
        } else {
            items.forEach(inputs::add);
        }
        int n = inputs.size();
        ObjectNode started = NODES.objectNode();
        started.put("length", n);
        JsonNode processorConfig = s.get(s.has("ItemProcessor") ? "ItemProcessor" : "Iterator").path("ProcessorConfig");
        if ("DISTRIBUTED".equals(processorConfig.path("Mode").asText())) {
            started.put("mode", "DISTRIBUTED");
            started.put("executionType", processorConfig.path("ExecutionType").asText());
            started.put("items", items.size());
        }
        if (retryDetail != null) {
            started.set("retry", retryDetail);
        }
        History history = execution.history();
        long startedId = history.record(track, "MapStateStarted", started);
        int maxConcurrency = s.has("MaxConcurrency") ? s.get("MaxConcurrency").asInt() : 0;
        int limit = execution.options().mapConcurrencyLimit();
        int concurrency = maxConcurrency == 0 ? limit : Math.min(maxConcurrency, limit);
        Iterations iterations = new Iterations(execution, s, s.branches().get(0), batched ? null : selector,
                selectorField, effective, ctx, startedId);
        boolean tolerant = s.has("ToleratedFailurePercentage") || s.has("ToleratedFailureCount");
        List<JsonNode> units = inputs;
        FanOut.Results done = FanOut.run(execution, n, Math.min(n, concurrency), parentCancellation,
                (i, cancellation) -> iterations.run(units.get(i), i, cancellation), e -> !tolerant || e.terminal());

        StatesException failure = done.failure();
        int failed = 0;
        ArrayNode results = NODES.arrayNode();
        for (int i = 0; i < n; i++) {
            if (done.failures[i] != null) {
                failed += weights == null ? 1 : weights[i];
                results.add(StateInputOutput.errorOutput(done.failures[i]));
            } else {
                results.add(done.outputs[i] == null ? NullNode.getInstance() : done.outputs[i]);
            }
        }
        if (failure != null) {
            if (tolerant && !failure.terminal()) {
                failure = beyondTolerance(s, failed, items.size());
            }
            if (failure != null) {
                history.record(track, "MapStateFailed", History.errorDetails(failure.error(), failure.cause()));
                throw failure;
            }
        }
        history.record(track, "MapStateSucceeded", NODES.objectNode());
        return io.output(s, raw, results, ctx);
    }

    /** An item through ItemSelector (or the legacy Parameters), with {@code $$.Map.Item} set. */
    private static JsonNode select(ExecutionRun execution, StateMachine.State s, JsonNode selector, String field,
                                   JsonNode effective, ObjectNode ctx, JsonNode item, int index) {
        // shallow copy: context values are never mutated, and $$.Execution.Input may be large
        ObjectNode itemCtx = NODES.objectNode();
        itemCtx.setAll(ctx);
        ObjectNode mapItem = itemCtx.putObject("Map").putObject("Item");
        mapItem.put("Index", index);
        mapItem.set("Value", item);
        JsonNode input = execution.io().template(selector, effective, itemCtx, field);
        StateInputOutput.checkStateData(s, input);
        return input;
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

    /**
     * What the iterations of one run of a Map state share; each runs on a path that starts at MapStateStarted.
     * {@code selector} is null when the iteration input is ready as it is (no selector, or items batched).
     */
    private record Iterations(ExecutionRun execution, StateMachine.State s, StateMachine processor, JsonNode selector,
                              String selectorField, JsonNode effective, ObjectNode ctx, long startedId) {
        JsonNode run(JsonNode item, int index, Cancellation cancellation) {
            History history = execution.history();
            Track track = new Track(startedId);
            ObjectNode d = NODES.objectNode();
            d.put("name", s.name());
            d.put("index", index);
            history.record(track, "MapIterationStarted", d);
            try {
                JsonNode input = selector == null ? item
                        : select(execution, s, selector, selectorField, effective, ctx, item, index);
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
