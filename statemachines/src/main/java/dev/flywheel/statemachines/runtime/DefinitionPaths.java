package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, when a definition is loaded, every path, reference path and intrinsic function of a state, as
 * CreateStateMachine does: a typo such as {@code "InputPath": "$.a["} is refused with the state and field it is in,
 * instead of surfacing at run time as "no value at that path".
 */
final class DefinitionPaths {
    /** Paths: any JSONPath. */
    private static final List<String> PATHS = List.of("InputPath", "OutputPath");
    /** Reference paths: one node, reached by fields and indexes only. */
    private static final List<String> REFERENCE_PATHS = List.of("ResultPath", "ItemsPath", "SecondsPath",
            "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "MaxConcurrencyPath",
            "ToleratedFailureCountPath", "ToleratedFailurePercentagePath");
    /** A path or an intrinsic function (Fail state). */
    private static final List<String> PATHS_OR_INTRINSICS = List.of("ErrorPath", "CausePath");
    private static final List<String> TEMPLATES = List.of("Parameters", "ItemSelector", "ResultSelector");
    private static final JsonNode NO_ITEMS = StateMachine.MAPPER.createArrayNode();

    private DefinitionPaths() {
    }

    /**
     * @param at   where the state is, e.g. {@code "State 'Train': "}
     * @param node the state's JSON
     * @throws InvalidDefinitionException naming the state and field of the first invalid path
     */
    static void check(String at, JsonNode node) {
        for (String field : PATHS) {
            text(node, field).ifPresent(p -> path(at, field, p));
        }
        for (String field : REFERENCE_PATHS) {
            text(node, field).ifPresent(p -> referencePath(at, field, p));
        }
        for (String field : PATHS_OR_INTRINSICS) {
            text(node, field).ifPresent(p -> expression(at, field, p));
        }
        for (String field : TEMPLATES) {
            JsonNode template = node.get(field);
            if (template != null) {
                template(at, field, template);
            }
        }
        // a distributed Map state's reader and batcher
        JsonNode reader = node.path("ItemReader");
        if (reader.has("Parameters")) {
            template(at, "ItemReader.Parameters", reader.get("Parameters"));
        }
        text(reader.path("ReaderConfig"), "MaxItemsPath")
                .ifPresent(p -> referencePath(at, "ItemReader.ReaderConfig.MaxItemsPath", p));
        JsonNode batcher = node.path("ItemBatcher");
        if (batcher.has("BatchInput")) {
            template(at, "ItemBatcher.BatchInput", batcher.get("BatchInput"));
        }
        for (String field : List.of("MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath")) {
            text(batcher, field).ifPresent(p -> referencePath(at, "ItemBatcher." + field, p));
        }
        JsonNode catchers = node.path("Catch").isArray() ? node.get("Catch") : NO_ITEMS;
        for (int i = 0; i < catchers.size(); i++) {
            String field = "Catch[" + i + "].ResultPath";
            text(catchers.get(i), "ResultPath").ifPresent(p -> referencePath(at, field, p));
        }
        JsonNode choices = node.path("Choices").isArray() ? node.get("Choices") : NO_ITEMS;
        for (int i = 0; i < choices.size(); i++) {
            rule(at, "Choices[" + i + "]", choices.get(i));
        }
    }

    private static void rule(String at, String where, JsonNode rule) {
        for (Iterator<Map.Entry<String, JsonNode>> it = rule.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode value = e.getValue();
            if ((field.equals("And") || field.equals("Or")) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    rule(at, where + "." + field + "[" + i + "]", value.get(i));
                }
            } else if (field.equals("Not")) {
                rule(at, where + ".Not", value);
            } else if (field.equals("Variable") || (field.endsWith("Path") && value.isTextual())) {
                path(at, where + "." + field, value.asText());
            }
        }
    }

    private static void template(String at, String where, JsonNode template) {
        if (template.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.endsWith(".$") && key.length() > 2) {
                    if (!e.getValue().isTextual()) {
                        throw invalid(at, where + ": the value for the field '" + key + "' must be a string, a "
                                + "JSONPath or an intrinsic function call, was " + e.getValue());
                    }
                    expression(at, where + ": the field '" + key + "'", e.getValue().asText());
                } else {
                    template(at, where, e.getValue());
                }
            }
        } else if (template.isArray()) {
            template.forEach(v -> template(at, where, v));
        }
    }

    /** A path ({@code $...} or {@code $$...}) or an intrinsic function call. */
    private static void expression(String at, String field, String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith("States.")) {
            try {
                Intrinsics.validate(trimmed, p -> path(at, field + " (argument " + p + ")", p));
            } catch (StatesException e) {
                throw invalid(at, field + ": '" + value + "' is not a valid intrinsic function call: " + e.cause());
            }
        } else if (trimmed.startsWith("$")) {
            path(at, field, trimmed);
        } else {
            throw invalid(at, field + ": '" + value + "' must be a valid JSONPath (starting with '$' or '$$') or "
                    + "an intrinsic function call (States.Format(...), ...)");
        }
    }

    private static void path(String at, String field, String path) {
        String error = JsonPaths.syntaxError(path);
        if (error != null) {
            throw invalid(at, field + ": '" + path + "' is not a valid JSONPath: " + error);
        }
    }

    private static void referencePath(String at, String field, String path) {
        try {
            JsonPaths.parseReferencePath(path.startsWith("$$") ? path.substring(1) : path);
        } catch (StatesException e) {
            throw invalid(at, field + ": '" + path + "' is not a valid reference path (fields and array indexes "
                    + "only, such as $.a.b[0]): " + e.cause());
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static InvalidDefinitionException invalid(String at, String message) {
        return new InvalidDefinitionException(at + message);
    }
}
