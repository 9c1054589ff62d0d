package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The ItemBatcher of a distributed Map state: consecutive items, at most {@code MaxItemsPerBatch} (or the positive
 * integer at {@code MaxItemsPerBatchPath}) of them, go to one iteration, whose input is
 * {@code {"Items": [...], "BatchInput": {...}}} as on AWS; BatchInput, a payload template on the state's effective
 * input, is left out when the batcher has none. {@code MaxInputBytesPerBatch} is refused when the definition is
 * loaded: the local runtime does not batch by size.
 */
final class ItemBatcher {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ItemBatcher() {
    }

    static void validate(JsonNode batcher, String at) {
        if (!batcher.isObject()) {
            throw invalid(at, "ItemBatcher must be a JSON object");
        }
        if (batcher.has("MaxInputBytesPerBatch") || batcher.has("MaxInputBytesPerBatchPath")) {
            throw invalid(at, "ItemBatcher.MaxInputBytesPerBatch is not supported by the local runtime; batch with "
                    + "MaxItemsPerBatch");
        }
        if (batcher.has("MaxItemsPerBatch") == batcher.has("MaxItemsPerBatchPath")) {
            throw invalid(at, "ItemBatcher needs exactly one of MaxItemsPerBatch and MaxItemsPerBatchPath");
        }
        JsonNode max = batcher.get("MaxItemsPerBatch");
        if (max != null && !(max.isIntegralNumber() && max.asLong() > 0 && max.asLong() <= Integer.MAX_VALUE)) {
            throw invalid(at, "ItemBatcher.MaxItemsPerBatch must be a positive integer, was " + max);
        }
    }

    /** Groups {@code items} (already through ItemSelector) into the inputs of the iterations. */
    static List<JsonNode> batch(ExecutionRun execution, StateMachine.State s, List<JsonNode> items, JsonNode effective,
                                ObjectNode ctx) {
        JsonNode batcher = s.get("ItemBatcher");
        int perBatch;
        if (batcher.has("MaxItemsPerBatch")) {
            perBatch = batcher.get("MaxItemsPerBatch").asInt();
        } else {
            JsonNode v = JsonPaths.read(effective, batcher.get("MaxItemsPerBatchPath").asText(),
                    "MaxItemsPerBatchPath");
            if (!v.isIntegralNumber() || v.asLong() <= 0 || v.asLong() > Integer.MAX_VALUE) {
                throw StatesException.runtime("ItemBatcher.MaxItemsPerBatchPath must reference a positive integer, "
                        + "was " + JsonPaths.abbreviate(v));
            }
            perBatch = v.asInt();
        }
        JsonNode batchInput = batcher.has("BatchInput")
                ? execution.io().template(batcher.get("BatchInput"), effective, ctx, "BatchInput")
                : null;
        List<JsonNode> batches = new ArrayList<>();
        for (int start = 0; start < items.size(); start += perBatch) {
            ObjectNode batch = NODES.objectNode();
            ArrayNode batchItems = batch.putArray("Items");
            for (int i = start; i < Math.min(items.size(), start + perBatch); i++) {
                batchItems.add(items.get(i));
            }
            if (batchInput != null) {
                batch.set("BatchInput", batchInput);
            }
            StateInputOutput.checkStateData(s, batch);
            batches.add(batch);
        }
        return batches;
    }

    private static InvalidDefinitionException invalid(String at, String message) {
        return new InvalidDefinitionException(at + message);
    }
}
