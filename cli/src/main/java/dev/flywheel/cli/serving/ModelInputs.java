package dev.flywheel.cli.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flywheel.data.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a served model takes and says, as {@code GET /models/{name}} describes it: the version, the task, the target,
 * the classes, and each input's name and type. Types a file's text values the way a JSON client would send them.
 *
 * @param types input name to type: numeric, boolean, categorical or text
 */
public record ModelInputs(String model, int version, String alias, String task, String target, List<String> classes,
                          Map<String, String> types) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public ModelInputs {
        classes = List.copyOf(classes);
        types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /** From the body of a {@code GET /models/{name}} answer. */
    public static ModelInputs from(JsonNode described) {
        List<String> classes = new ArrayList<>();
        described.path("classes").forEach(c -> classes.add(c.asText()));
        Map<String, String> types = new LinkedHashMap<>();
        described.path("inputs").forEach(i -> types.put(i.path("name").asText(), i.path("type").asText()));
        String alias = described.path("alias").asText(null);
        return new ModelInputs(described.path("model").asText(), described.path("version").asInt(), alias,
                described.path("task").asText(), described.path("target").asText(null), classes, types);
    }

    public boolean regression() {
        return "regression".equals(task);
    }

    /** "credit-risk v3 (champion)". */
    public String shown() {
        return model + " v" + version + (alias == null ? "" : " (" + alias + ")");
    }

    /**
     * A file's text value as JSON: null when empty; a number for a numeric input when it reads as one, true or
     * false for a boolean one; otherwise the text as it is, so that the API decides (it reads the dataset's
     * missing-value tokens, like {@code ?}, as missing, and names anything else it refuses).
     */
    public JsonNode typed(String input, String text) {
        if (text == null || text.isBlank()) {
            return NODES.nullNode();
        }
        String type = types.getOrDefault(input, "text");
        if (type.equals("numeric") || type.equals("boolean")) {
            Double number = Values.number(text);
            if (number != null) {
                return number == Math.rint(number) && Math.abs(number) < 1e15
                        ? NODES.numberNode(number.longValue()) : NODES.numberNode(number);
            }
            Boolean bool = type.equals("boolean") ? Values.bool(text) : null;
            if (bool != null) {
                return NODES.booleanNode(bool);
            }
        }
        return NODES.textNode(text);
    }
}
