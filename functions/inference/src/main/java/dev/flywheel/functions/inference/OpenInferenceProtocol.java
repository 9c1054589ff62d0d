package dev.flywheel.functions.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.json.Json;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.Prediction;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.serving.online.InstanceReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol (KServe v2, also Triton's HTTP protocol) over Flywheel's models: one input tensor per
 * feature, shape {@code [N]} or {@code [N, 1]}; outputs {@code label} (BYTES, [N]) and {@code probabilities}
 * (FP64, [N, classes], class names in its parameters) for classification, {@code value} (FP64, [N]) for regression.
 */
final class OpenInferenceProtocol {
    private static final Set<String> NUMERIC_TYPES = Set.of("BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8",
            "INT16", "INT32", "INT64", "FP16", "FP32", "FP64");

    private OpenInferenceProtocol() {
    }

    /** The rows of an inference request, each value checked as in Flywheel's own route. */
    static List<Map<String, Object>> rows(JsonNode body, InstanceReader reader, int maxInstances) {
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new InvalidInputException("the body needs \"inputs\": a non-empty array of {\"name\", \"shape\", "
                    + "\"datatype\", \"data\"}, one per feature");
        }
        int rows = -1;
        List<Map<String, Object>> out = null;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            String where = "inputs[" + i + "]";
            if (!input.isObject() || !input.path("name").isTextual()) {
                throw new InvalidInputException(where + " must be an object with a \"name\"");
            }
            String name = input.get("name").textValue();
            where = "input '" + name + "'";
            if (!seen.add(name)) {
                throw new InvalidInputException(where + " is given twice");
            }
            String datatype = input.path("datatype").asText("");
            if (!NUMERIC_TYPES.contains(datatype) && !"BYTES".equals(datatype)) {
                throw new InvalidInputException(where + " has datatype '" + datatype + "'; use BYTES for text, FP64, "
                        + "FP32, INT64, INT32 or BOOL for numbers");
            }
            int n = length(input.get("shape"), where);
            JsonNode data = flatten(input.get("data"), where);
            if (data.size() != n) {
                throw new InvalidInputException(where + " has shape [" + n + "] but " + data.size() + " values");
            }
            if (rows < 0) {
                rows = n;
                InstanceReader.checkCount(n, maxInstances, "the inputs' rows");
                out = new ArrayList<>(n);
                for (int r = 0; r < n; r++) {
                    out.add(new LinkedHashMap<>());
                }
            } else if (n != rows) {
                throw new InvalidInputException(where + " has " + n + " rows; the inputs before it have " + rows
                        + ": every input needs the same first dimension");
            }
            if (!reader.isFeature(name)) {
                reader.unknown(name, "the request has");
                continue;
            }
            for (int r = 0; r < n; r++) {
                JsonNode value = data.get(r);
                checkType(datatype, value, where, r);
                out.get(r).put(name, reader.value(name, value, where + " data[" + r + "]"));
            }
        }
        for (String feature : reader.featureNames()) {
            if (!seen.contains(feature)) {
                throw new InvalidInputException("the request has no input '" + feature + "': send one input per "
                        + "feature (null values for missing ones)");
            }
        }
        return out;
    }

    /** A value must match its tensor's datatype (null stands for a missing value in any tensor). */
    private static void checkType(String datatype, JsonNode value, String where, int row) {
        if (value.isNull()) {
            return;
        }
        boolean ok = switch (datatype) {
            case "BYTES" -> value.isTextual();
            case "BOOL" -> value.isBoolean();
            case "FP16", "FP32", "FP64" -> value.isNumber();
            default -> value.isIntegralNumber() || value.isNumber() && value.doubleValue() == Math.rint(
                    value.doubleValue()) && Double.isFinite(value.doubleValue());
        };
        if (!ok) {
            throw new InvalidInputException(where + " is " + datatype + " but data[" + row + "] is "
                    + InstanceReader.kind(value));
        }
    }

    private static int length(JsonNode shape, String where) {
        if (shape == null || !shape.isArray() || shape.isEmpty() || shape.size() > 2
                || !shape.get(0).isIntegralNumber() || !shape.get(0).canConvertToInt() || shape.get(0).intValue() < 0
                || shape.size() == 2 && !(shape.get(1).isIntegralNumber() && shape.get(1).intValue() == 1)) {
            throw new InvalidInputException(where + " needs a shape [N] or [N, 1], got " + shape);
        }
        return shape.get(0).intValue();
    }

    /** {@code [a, b]} or {@code [[a], [b]]} (row-major, as the protocol allows). */
    private static JsonNode flatten(JsonNode data, String where) {
        if (data == null || !data.isArray()) {
            throw new InvalidInputException(where + " needs \"data\": an array of values");
        }
        boolean nested = data.size() > 0 && data.get(0).isArray();
        if (!nested) {
            for (JsonNode v : data) {
                if (v.isContainerNode()) {
                    throw new InvalidInputException(where + " mixes values and arrays in \"data\"");
                }
            }
            return data;
        }
        ArrayNode flat = Json.mapper().createArrayNode();
        for (JsonNode row : data) {
            if (!row.isArray() || row.size() != 1 || row.get(0).isContainerNode()) {
                throw new InvalidInputException(where + " has nested data that is not [[value], ...]");
            }
            flat.add(row.get(0));
        }
        return flat;
    }

    /** The inference response. */
    static ObjectNode response(InferenceService.Scored scored, String id, String requestId) {
        ObjectNode out = Json.object();
        out.put("model_name", scored.version().name());
        out.put("model_version", Integer.toString(scored.version().version()));
        out.put("id", id != null ? id : requestId);
        ObjectNode parameters = out.putObject("parameters");
        parameters.put("requestId", requestId);
        if (scored.alias() != null) {
            parameters.put("alias", scored.alias());
        }
        ArrayNode outputs = out.putArray("outputs");
        List<Prediction> predictions = scored.predictions();
        int n = predictions.size();
        FittedPipeline pipeline = scored.pipeline();
        if (pipeline.task() == MlTask.REGRESSION) {
            ObjectNode value = tensor(outputs, "value", "FP64", n);
            predictions.forEach(p -> value.withArray("data").add(p.value()));
            return out;
        }
        ObjectNode label = tensor(outputs, "label", "BYTES", n);
        predictions.forEach(p -> label.withArray("data").add(p.label()));
        List<String> classes = pipeline.classes();
        ObjectNode probabilities = tensor(outputs, "probabilities", "FP64", n);
        probabilities.withArray("shape").add(classes.size());
        ArrayNode classNames = probabilities.putObject("parameters").putArray("classes");
        classes.forEach(classNames::add);
        for (Prediction p : predictions) {
            for (String c : classes) {
                probabilities.withArray("data").add(p.probabilities().get(c));
            }
        }
        return out;
    }

    private static ObjectNode tensor(ArrayNode outputs, String name, String datatype, int rows) {
        ObjectNode t = outputs.addObject();
        t.put("name", name);
        t.put("datatype", datatype);
        t.putArray("shape").add(rows);
        t.putArray("data");
        return t;
    }

    /** Model metadata: name, versions, platform, input and output tensors. */
    static ObjectNode metadata(InferenceService.Described described) {
        ObjectNode out = Json.object();
        out.put("name", described.version().name());
        out.putArray("versions").add(Integer.toString(described.version().version()));
        out.put("platform", "xgboost_djl");
        ArrayNode inputs = out.putArray("inputs");
        for (FeatureSpec f : described.pipeline().features()) {
            Column column = described.schema() == null ? null : described.schema().column(f.name()).orElse(null);
            String datatype = f.kind() != FeatureSpec.Kind.NUMERIC ? "BYTES"
                    : column != null && column.type() == ColumnType.BOOLEAN ? "BOOL" : "FP64";
            ObjectNode input = inputs.addObject();
            input.put("name", f.name());
            input.put("datatype", datatype);
            input.putArray("shape").add(-1);
        }
        ArrayNode outputs = out.putArray("outputs");
        if (described.pipeline().task() == MlTask.REGRESSION) {
            ObjectNode value = outputs.addObject().put("name", "value").put("datatype", "FP64");
            value.putArray("shape").add(-1);
        } else {
            ObjectNode label = outputs.addObject().put("name", "label").put("datatype", "BYTES");
            label.putArray("shape").add(-1);
            ObjectNode p = outputs.addObject().put("name", "probabilities").put("datatype", "FP64");
            p.putArray("shape").add(-1).add(described.pipeline().classes().size());
        }
        return out;
    }
}
