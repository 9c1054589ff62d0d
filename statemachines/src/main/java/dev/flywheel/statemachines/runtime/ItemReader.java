package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The ItemReader of a distributed Map state: the items read from Amazon S3 through the execution's
 * {@link ItemReaderSource}, instead of the array at ItemsPath.
 *
 * <ul>
 *   <li>{@code "Resource": "arn:aws:states:::s3:getObject"} with {@code "ReaderConfig": {"InputType": "JSON"}} and
 *       Parameters {@code Bucket}, {@code Key}: the items of the JSON array that the object holds.</li>
 *   <li>{@code "Resource": "arn:aws:states:::s3:listObjectsV2"} with Parameters {@code Bucket} and optional
 *       {@code Prefix}: one item per object, shaped as Step Functions gives it, {@code {"Etag": "\"...\"",
 *       "Key": ..., "LastModified": <epoch seconds>, "Size": <bytes>, "StorageClass": "STANDARD"}}.</li>
 * </ul>
 *
 * <p>Parameters are a payload template on the state's effective input ({@code "Key.$": "$.manifest"}).
 * {@code ReaderConfig.MaxItems} (or {@code MaxItemsPath}) keeps the first items only. Whatever goes wrong reading
 * (no such bucket or key, an object that is not a JSON array, no source configured) fails the state with
 * {@code States.ItemReaderFailed}, which Retry and Catch can handle. Other input types (CSV, JSONL, MANIFEST,
 * PARQUET) and other resources are refused when the definition is loaded.
 */
final class ItemReader {
    static final String GET_OBJECT = "arn:aws:states:::s3:getObject";
    static final String LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ItemReader() {
    }

    /** Checks an ItemReader configuration as CreateStateMachine would, and what the local runtime can read. */
    static void validate(JsonNode reader, String at) {
        if (!reader.isObject()) {
            throw invalid(at, "ItemReader must be a JSON object");
        }
        JsonNode resource = reader.get("Resource");
        if (resource == null || !resource.isTextual()) {
            throw invalid(at, "ItemReader needs a 'Resource' string");
        }
        JsonNode config = reader.path("ReaderConfig");
        if (!config.isMissingNode() && !config.isObject()) {
            throw invalid(at, "ItemReader.ReaderConfig must be a JSON object");
        }
        JsonNode inputType = config.get("InputType");
        JsonNode parameters = reader.get("Parameters");
        if (parameters == null || !parameters.isObject()) {
            throw invalid(at, "ItemReader needs 'Parameters' (an object with the Bucket to read)");
        }
        requireField(parameters, "Bucket", at);
        switch (resource.asText()) {
            case GET_OBJECT -> {
                if (inputType == null) {
                    throw invalid(at, "ItemReader.ReaderConfig.InputType is required with " + GET_OBJECT);
                }
                if (!"JSON".equals(inputType.asText())) {
                    throw invalid(at, "ItemReader.ReaderConfig.InputType " + inputType + " is not supported by the "
                            + "local runtime: it reads JSON (an object that holds a JSON array of items)");
                }
                requireField(parameters, "Key", at);
            }
            case LIST_OBJECTS_V2 -> {
                if (inputType != null) {
                    throw invalid(at, "ItemReader.ReaderConfig.InputType does not apply to " + LIST_OBJECTS_V2
                            + " (each object is an item); leave it out");
                }
            }
            default -> throw invalid(at, "ItemReader Resource '" + resource.asText() + "' is not supported by the "
                    + "local runtime: it reads " + GET_OBJECT + " (InputType JSON) and " + LIST_OBJECTS_V2);
        }
        if (config.has("MaxItems") && config.has("MaxItemsPath")) {
            throw invalid(at, "ItemReader.ReaderConfig has both MaxItems and MaxItemsPath");
        }
        JsonNode max = config.get("MaxItems");
        if (max != null && !(max.isIntegralNumber() && max.asLong() > 0 && max.asLong() <= 100_000_000)) {
            throw invalid(at, "ItemReader.ReaderConfig.MaxItems must be an integer from 1 to 100,000,000, was " + max);
        }
    }

    private static void requireField(JsonNode parameters, String field, String at) {
        JsonNode literal = parameters.get(field);
        if ((literal == null || !literal.isTextual()) && !parameters.has(field + ".$")) {
            throw invalid(at, "ItemReader.Parameters needs '" + field + "' (a string) or '" + field + ".$'");
        }
    }

    /** Reads the items of state {@code s} for its effective input. */
    static ArrayNode read(ExecutionRun execution, StateMachine.State s, JsonNode effective, ObjectNode ctx) {
        JsonNode reader = s.get("ItemReader");
        String resource = reader.get("Resource").asText();
        JsonNode parameters = execution.io().template(reader.get("Parameters"), effective, ctx,
                "ItemReader.Parameters");
        long maxItems = maxItems(reader.path("ReaderConfig"), effective);
        String bucket = text(parameters, "Bucket");
        ItemReaderSource source = execution.options().itemReaderSource();
        if (source == null) {
            throw failed("no ItemReaderSource is configured for this execution, so the ItemReader of Map state '"
                    + s.name() + "' cannot read bucket '" + bucket + "'");
        }
        ArrayNode items = NODES.arrayNode();
        try {
            if (GET_OBJECT.equals(resource)) {
                String key = text(parameters, "Key");
                JsonNode document = parse(source, bucket, key);
                if (!document.isArray()) {
                    throw failed("The object s3://" + bucket + "/" + key + " read with InputType JSON must hold a "
                            + "JSON array, found " + JsonPaths.abbreviate(document));
                }
                for (int i = 0; i < document.size() && i < maxItems; i++) {
                    items.add(document.get(i));
                }
            } else {
                String prefix = parameters.hasNonNull("Prefix") ? text(parameters, "Prefix") : "";
                List<ItemReaderSource.S3Object> objects = source.listObjectsV2(bucket, prefix);
                for (int i = 0; i < objects.size() && i < maxItems; i++) {
                    ItemReaderSource.S3Object o = objects.get(i);
                    ObjectNode item = items.addObject();
                    item.put("Etag", o.etag());
                    item.put("Key", o.key());
                    item.put("LastModified", o.lastModified().getEpochSecond());
                    item.put("Size", o.size());
                    item.put("StorageClass", o.storageClass());
                }
            }
        } catch (ItemReaderSource.S3Exception e) {
            throw failed("Amazon S3 " + (GET_OBJECT.equals(resource) ? "GetObject" : "ListObjectsV2")
                    + " failed for bucket '" + bucket + "' (Error Code: " + e.errorCode() + "): " + e.getMessage());
        }
        return items;
    }

    private static JsonNode parse(ItemReaderSource source, String bucket, String key) {
        try (InputStream in = source.getObject(bucket, key)) {
            return StateMachine.MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw failed("The object s3://" + bucket + "/" + key + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw failed("Cannot read s3://" + bucket + "/" + key + ": " + e.getMessage());
        }
    }

    private static long maxItems(JsonNode config, JsonNode effective) {
        if (config.has("MaxItems")) {
            return config.get("MaxItems").asLong();
        }
        if (config.has("MaxItemsPath")) {
            JsonNode v = JsonPaths.read(effective, config.get("MaxItemsPath").asText(), "MaxItemsPath");
            if (!v.isIntegralNumber() || v.asLong() <= 0) {
                throw StatesException.runtime("ItemReader.ReaderConfig.MaxItemsPath must reference a positive "
                        + "integer, was " + JsonPaths.abbreviate(v));
            }
            return v.asLong();
        }
        return Long.MAX_VALUE;
    }

    private static String text(JsonNode parameters, String field) {
        JsonNode v = parameters.get(field);
        if (v == null || !v.isTextual()) {
            throw failed("ItemReader.Parameters." + field + " must be a string, was "
                    + (v == null ? "missing" : JsonPaths.abbreviate(v)));
        }
        return v.asText();
    }

    private static StatesException failed(String cause) {
        return new StatesException(StatesErrors.ITEM_READER_FAILED, cause);
    }

    private static InvalidDefinitionException invalid(String at, String message) {
        return new InvalidDefinitionException(at + message);
    }
}
