package dev.flywheel.serving.online;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.data.Values;
import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.Schema;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the instances of a request against the model's inputs and turns them into rows for the feature pipeline.
 * Strict, as a client of a production model needs: every feature present (null for a missing value), no unknown
 * names, numbers for numeric features (finite, within the model's float range), text, numbers or booleans for
 * categories. The identifier and excluded columns of the training data are accepted and ignored, so that clients
 * can send whole records. Every error names the instance and the feature.
 */
public final class InstanceReader {
    /** The largest magnitude the model's float inputs hold. */
    static final double MAX_MAGNITUDE = Float.MAX_VALUE;
    private static final int MAX_TEXT = 1024;

    private final List<FeatureSpec> features;
    private final Map<String, FeatureSpec> byName;
    private final Set<String> ignored;
    private final String target;
    private final Set<String> booleanColumns;
    private final Values.Missing missing;

    public InstanceReader(FittedPipeline pipeline, Schema schema) {
        this.features = pipeline.features();
        this.byName = new HashMap<>();
        features.forEach(f -> byName.put(f.name(), f));
        this.ignored = new HashSet<>(pipeline.excluded());
        this.booleanColumns = new HashSet<>();
        if (schema != null) {
            for (Column c : schema.columns()) {
                if (!byName.containsKey(c.name()) && !c.name().equals(pipeline.target())) {
                    ignored.add(c.name());
                }
                if (c.type() == ColumnType.BOOLEAN) {
                    booleanColumns.add(c.name());
                }
            }
        }
        this.target = pipeline.target();
        this.missing = pipeline.missing();
    }

    /** The model's input names, in order. */
    public List<String> featureNames() {
        return features.stream().map(FeatureSpec::name).toList();
    }

    /**
     * @param instances a JSON array of objects, feature name to value
     * @throws InvalidInputException naming the first problem
     */
    public List<Map<String, Object>> rows(JsonNode instances, int maxInstances) {
        if (instances == null || instances.isMissingNode() || instances.isNull()) {
            throw new InvalidInputException("the body has no \"instances\": send {\"instances\": [{feature: value, "
                    + "...}]}");
        }
        if (!instances.isArray()) {
            throw new InvalidInputException("\"instances\" must be an array of objects, got " + kind(instances));
        }
        checkCount(instances.size(), maxInstances, "instances");
        List<Map<String, Object>> rows = new ArrayList<>(instances.size());
        for (int i = 0; i < instances.size(); i++) {
            rows.add(row(instances.get(i), i));
        }
        return rows;
    }

    /** @param what what holds the instances, for the message: {@code instances}, {@code the inputs' rows} */
    public static void checkCount(int count, int maxInstances, String what) {
        if (count == 0) {
            throw new InvalidInputException(what.equals("instances") ? "\"instances\" is empty: send at least one "
                    + "instance" : what + " are empty: send at least one row");
        }
        if (count > maxInstances) {
            throw new InvalidInputException("the request has " + count + " " + (what.equals("instances")
                    ? "instances" : "rows") + "; the limit is " + maxInstances
                    + " per request: split it into several requests");
        }
    }

    /** One instance: a JSON object. */
    public Map<String, Object> row(JsonNode instance, int index) {
        if (instance == null || !instance.isObject()) {
            throw new InvalidInputException("instances[" + index + "] must be an object of feature values, got "
                    + kind(instance));
        }
        Map<String, Object> row = new LinkedHashMap<>(features.size() * 2);
        Iterator<Map.Entry<String, JsonNode>> fields = instance.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            FeatureSpec spec = byName.get(field.getKey());
            if (spec == null) {
                unknown(field.getKey(), "instances[" + index + "] has");
                continue;
            }
            row.put(spec.name(), value(spec, field.getValue(), index, null));
        }
        if (row.size() < features.size()) {
            for (FeatureSpec f : features) {
                if (!row.containsKey(f.name())) {
                    throw new InvalidInputException("instances[" + index + "] lacks the feature '" + f.name()
                            + "': send every feature, null for a missing value");
                }
            }
        }
        return row;
    }

    /**
     * One value given as columnar data (the Open Inference Protocol): the same checks as in an object.
     *
     * @param where how a message names the value: {@code input 'age' data[3]}
     */
    public Object value(String feature, JsonNode value, String where) {
        FeatureSpec spec = byName.get(feature);
        if (spec == null) {
            unknown(feature, "the request has");
            return null;
        }
        return value(spec, value, -1, where);
    }

    /** Whether a name is one of the model's features. */
    public boolean isFeature(String name) {
        return byName.containsKey(name);
    }

    /**
     * Throws for a name that is neither a feature nor a column the model ignores.
     *
     * @param where the start of the message: {@code instances[3] has}, {@code the request has}
     */
    public void unknown(String name, String where) {
        if (ignored.contains(name)) {
            return;
        }
        if (name.equals(target)) {
            throw new InvalidInputException(where + " '" + name + "', the model's target: "
                    + "leave it out of predictions and send it as feedback");
        }
        List<String> names = featureNames();
        String list = names.size() <= 12 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 12)) + ", … (" + names.size() + " in all; GET the model's "
                + "metadata for the list)";
        throw new InvalidInputException(where + " an unknown feature '" + truncate(name)
                + "'; the model's features are: " + list);
    }

    /** @param where how messages name the value, or null for {@code instances[index].feature} (built on error only) */
    private Object value(FeatureSpec spec, JsonNode value, int index, String where) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (where == null && !plainValue(spec, value)) {
            where = "instances[" + index + "]." + spec.name();
        }
        if (spec.kind() == FeatureSpec.Kind.NUMERIC) {
            if (value.isNumber()) {
                double d = value.doubleValue();
                if (!Double.isFinite(d) || Math.abs(d) > MAX_MAGNITUDE) {
                    throw new InvalidInputException(where + " is " + truncate(value.asText())
                            + ", out of range: numbers must be finite and within ±3.4e38");
                }
                return d;
            }
            if (value.isBoolean() && booleanColumns.contains(spec.name())) {
                return value.booleanValue();
            }
            if (value.isTextual() && (value.textValue().isBlank() || missing.test(value.textValue()))) {
                return null;
            }
            throw new InvalidInputException(where + " must be a number" + (booleanColumns.contains(spec.name())
                    ? " or a boolean" : "") + " (or null when missing), got " + kind(value));
        }
        if (value.isTextual()) {
            if (value.textValue().length() > MAX_TEXT) {
                throw new InvalidInputException(where + " is a text of " + value.textValue().length()
                        + " characters; the limit is " + MAX_TEXT);
            }
            return value.textValue();
        }
        if (value.isNumber()) {
            double d = value.doubleValue();
            if (!Double.isFinite(d)) {
                throw new InvalidInputException(where + " is out of range: numbers must be finite");
            }
            return d;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        throw new InvalidInputException(where + " must be a text, a number or a boolean (or null when missing), got "
                + kind(value));
    }

    /** The common, valid case, checked without building a message: a finite in-range number, or a short text. */
    private static boolean plainValue(FeatureSpec spec, JsonNode value) {
        if (spec.kind() == FeatureSpec.Kind.NUMERIC) {
            return value.isNumber() && Double.isFinite(value.doubleValue())
                    && Math.abs(value.doubleValue()) <= MAX_MAGNITUDE;
        }
        return value.isTextual() && value.textValue().length() <= MAX_TEXT;
    }

    public static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "the text \"" + truncate(node.textValue()) + "\"";
            case BOOLEAN -> "the boolean " + node.booleanValue();
            case NULL -> "null";
            case NUMBER -> "the number " + node.asText();
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String truncate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
