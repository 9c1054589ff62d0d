package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Input and output processing of states, in the order the Amazon States Language applies it: InputPath selects the
 * effective input from the raw state input, Parameters (ItemSelector for Map items) shapes it, ResultSelector shapes
 * the result, ResultPath puts the result into the raw input, and OutputPath selects the state output. Also the
 * payload quota on state data.
 */
final class StateInputOutput {
    private final Intrinsics intrinsics;

    StateInputOutput(Intrinsics intrinsics) {
        this.intrinsics = intrinsics;
    }

    Intrinsics intrinsics() {
        return intrinsics;
    }

    JsonNode inputPath(StateMachine.State s, JsonNode raw) {
        return JsonPaths.select(raw, s.get("InputPath"), "InputPath");
    }

    /** The state's Parameters applied to the effective input, or that input when it has none. */
    JsonNode parameters(StateMachine.State s, JsonNode effective, ObjectNode ctx) {
        return s.has("Parameters") ? template(s.get("Parameters"), effective, ctx, "Parameters") : effective;
    }

    /** A payload template (Parameters, ItemSelector, ResultSelector) applied to {@code data}, named {@code field}. */
    JsonNode template(JsonNode template, JsonNode data, ObjectNode ctx, String field) {
        return JsonPaths.applyTemplate(template, data, ctx, intrinsics, field);
    }

    /** ResultSelector, ResultPath and OutputPath: the output of a Task, Map or Parallel state from its result. */
    JsonNode output(StateMachine.State s, JsonNode raw, JsonNode result, ObjectNode ctx) {
        JsonNode selected = s.has("ResultSelector")
                ? template(s.get("ResultSelector"), result, ctx, "ResultSelector")
                : result;
        return resultAndOutputPath(s, raw, selected);
    }

    /** ResultPath puts {@code result} into the raw input, then OutputPath selects from that. */
    JsonNode resultAndOutputPath(StateMachine.State s, JsonNode raw, JsonNode result) {
        JsonNode merged = JsonPaths.applyResultPath(raw, result, s.text("ResultPath"), s.has("ResultPath"));
        return outputPath(s, merged);
    }

    JsonNode outputPath(StateMachine.State s, JsonNode data) {
        return JsonPaths.select(data, s.get("OutputPath"), "OutputPath");
    }

    /** A state's output, or its input after Parameters processing, must be within the payload quota. */
    static void checkStateData(StateMachine.State s, JsonNode data) {
        if (Quotas.exceedsPayload(data)) {
            throw StatesException.stateDataLimitExceeded(s.name());
        }
    }

    /** A failure as a Catch (at its ResultPath) and a tolerated Map item (in the results) show it. */
    static ObjectNode errorOutput(StatesException e) {
        ObjectNode errorOutput = JsonNodeFactory.instance.objectNode();
        errorOutput.put("Error", e.error());
        if (e.cause() != null) {
            errorOutput.put("Cause", e.cause());
        }
        return errorOutput;
    }
}
