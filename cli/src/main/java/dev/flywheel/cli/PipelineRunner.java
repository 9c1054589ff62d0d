package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import dev.flywheel.training.steps.IngestRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the training pipeline definition (the very file deployed to Step Functions) on one CSV or JSON Lines file.
 */
public final class PipelineRunner {
    public static final String DEFINITION_RESOURCE = "/statemachines/training-pipeline.asl.json";

    /** Hyper-parameter candidates, tried in this order; {@code --candidates N} takes the first N. */
    private static final List<String> CANDIDATES = List.of(
            "{\"max_depth\":3,\"eta\":0.1,\"num_round\":300,\"subsample\":0.8,\"colsample_bytree\":0.8,\"min_child_weight\":1}",
            "{\"max_depth\":4,\"eta\":0.05,\"num_round\":400,\"subsample\":0.8,\"colsample_bytree\":0.8,\"min_child_weight\":1}",
            "{\"max_depth\":2,\"eta\":0.1,\"num_round\":400,\"subsample\":0.9,\"colsample_bytree\":0.7,\"min_child_weight\":1}",
            "{\"max_depth\":6,\"eta\":0.05,\"num_round\":300,\"subsample\":0.7,\"colsample_bytree\":0.6,\"min_child_weight\":3}",
            "{\"max_depth\":5,\"eta\":0.03,\"num_round\":600,\"subsample\":0.8,\"colsample_bytree\":0.8,\"min_child_weight\":2}",
            "{\"max_depth\":3,\"eta\":0.2,\"num_round\":200,\"subsample\":1.0,\"colsample_bytree\":1.0,\"min_child_weight\":1}",
            "{\"max_depth\":8,\"eta\":0.02,\"num_round\":600,\"subsample\":0.6,\"colsample_bytree\":0.5,\"min_child_weight\":5}",
            "{\"max_depth\":4,\"eta\":0.1,\"num_round\":300,\"subsample\":0.9,\"colsample_bytree\":0.9,\"min_child_weight\":1,\"lambda\":5}");

    /**
     * The top-level fields of a training pipeline input: what the definition reads ({@code $.model},
     * {@code $.ingest}, the fields its Defaults state fills in), and the {@code reason} a drift-triggered run is
     * started with.
     */
    public static final List<String> INPUT_FIELDS = List.of("model", "ingest", "preprocess", "candidates", "seed",
            "gate", "requireApproval", "reason");
    /** The fields of an input's {@code ingest}: Ingest's request. */
    static final List<String> INGEST_FIELDS = java.util.Arrays.stream(IngestRequest.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).toList();

    /** The most candidates {@code --candidates} can ask for. */
    public static final int MAX_CANDIDATES = 8;

    /** What {@code pipeline run} was asked to do. */
    /**
     * @param id       columns that identify a row (they decide its side of the split; never features)
     * @param naValues tokens read as missing besides an empty field
     * @param seed     the training seed (the split does not depend on it)
     */
    public record Request(Path data, String dataset, String target, String model, List<String> exclude,
                          List<String> id, List<String> naValues, String task, int candidates, boolean requireApproval,
                          long seed) {
        /** A request whose dataset is named after its file. */
        public Request(Path data, String target, String model, List<String> exclude, List<String> id,
                       List<String> naValues, String task, int candidates, boolean requireApproval, long seed) {
            this(data, null, target, model, exclude, id, naValues, task, candidates, requireApproval, seed);
        }
    }

    private PipelineRunner() {
    }

    public static String definition() {
        return StateMachineDefinitions.load(DEFINITION_RESOURCE, "the training pipeline definition");
    }


    /** The execution input the state machine expects (see examples/credit-g/pipeline-input.json). */
    public static ObjectNode input(Request request) {
        return input(request, request.data().toAbsolutePath().normalize().toUri().toString());
    }

    /**
     * The execution input reading {@code source} (a file: URI locally; an s3:// URI for the deployed pipeline); the
     * dataset is named after the request's file as ever.
     */
    public static ObjectNode input(Request request, String source) {
        if (request.candidates() < 1 || request.candidates() > MAX_CANDIDATES) {
            throw new IllegalArgumentException("--candidates must be between 1 and " + MAX_CANDIDATES
                    + ", got " + request.candidates());
        }
        ObjectNode input = Json.object();
        input.put("model", modelName(request));
        String dataset = datasetName(request);
        ObjectNode ingest = input.putObject("ingest");
        ingest.put("dataset", dataset);
        ingest.put("source", source);
        ingest.put("target", request.target());
        ArrayNode exclude = ingest.putArray("exclude");
        request.exclude().forEach(exclude::add);
        ArrayNode id = ingest.putArray("id");
        request.id().forEach(id::add);
        ArrayNode naValues = ingest.putArray("naValues");
        request.naValues().forEach(naValues::add);
        ObjectNode preprocess = input.putObject("preprocess");
        if (request.task() != null) {
            preprocess.put("task", request.task());
        }
        preprocess.putObject("split"); // the preprocess step's default fractions
        ArrayNode candidates = input.putArray("candidates");
        for (int i = 0; i < request.candidates(); i++) {
            candidates.addObject().set("params", Json.tree(CANDIDATES.get(i)));
        }
        input.put("seed", request.seed());
        input.putObject("gate");
        input.put("requireApproval", request.requireApproval());
        return input;
    }

    /** The model a request trains: {@code --model}, else "{@code <dataset>-model}". */
    public static String modelName(Request request) {
        return request.model() != null ? request.model() : datasetName(request) + "-model";
    }

    /** The dataset a request ingests: {@code --dataset}, else named after its file. */
    private static String datasetName(Request request) {
        return request.dataset() != null ? request.dataset()
                : datasetName(request.data().toAbsolutePath().normalize().getFileName().toString());
    }

    /**
     * Checks a training pipeline input written by hand ({@code drift run --retrain-input}) as strictly as
     * {@link #input} builds one: a JSON object of the fields in {@link #INPUT_FIELDS} only (the definition reads
     * nothing else, so a misspelt one would be ignored), each of its type, and an {@code ingest} of the fields
     * Ingest's request has. The values themselves are the steps' to check.
     *
     * @throws InvalidInputException naming the field and what is wrong
     */
    public static void checkInput(JsonNode input) {
        require(input.isObject(), "a training pipeline input is a JSON object like {\"model\": \"credit-risk\", "
                + "\"candidates\": [...]}, not " + kind(input));
        known(input, INPUT_FIELDS, "");
        JsonNode model = input.path("model");
        require(model.isMissingNode() || model.isTextual() && !model.asText().isBlank(),
                "model must be the model's name, got " + model);
        for (String object : List.of("ingest", "preprocess", "gate")) {
            JsonNode value = input.path(object);
            require(value.isMissingNode() || value.isObject(), object + " must be a JSON object, got " + kind(value));
        }
        known(input.path("ingest"), INGEST_FIELDS, "ingest.");
        JsonNode candidates = input.path("candidates");
        boolean objects = candidates.isArray() && !candidates.isEmpty()
                && java.util.stream.StreamSupport.stream(candidates.spliterator(), false).allMatch(JsonNode::isObject);
        require(candidates.isMissingNode() || objects, "candidates must be a non-empty array of objects like "
                + "{\"params\": {\"max_depth\": 3}}, got " + candidates);
        JsonNode seed = input.path("seed");
        require(seed.isMissingNode() || seed.isNull() || seed.isIntegralNumber(), "seed must be a whole number, got "
                + seed);
        JsonNode approval = input.path("requireApproval");
        require(approval.isMissingNode() || approval.isBoolean(), "requireApproval must be true or false, got "
                + approval);
    }

    private static void known(JsonNode node, List<String> fields, String at) {
        node.fieldNames().forEachRemaining(name -> require(fields.contains(name), "unknown field '" + at + name
                + "'; the fields are " + String.join(", ", fields)));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InvalidInputException(message);
        }
    }

    private static String kind(JsonNode node) {
        return node.isContainerNode() ? (node.isArray() ? "an array" : "an object")
                : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + node;
    }

    /** A dataset name from a file name: "credit-g.csv" becomes "credit-g". */
    static String datasetName(String fileName) {
        String stem = fileName.replaceFirst("\\.(csv|jsonl|json|ndjson)(\\.gz)?$", "");
        String cleaned = stem.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        return cleaned.isEmpty() ? "dataset" : cleaned.length() > 100 ? cleaned.substring(0, 100) : cleaned;
    }

    public static ExecutionResult run(Workspace workspace, Request request, ExecutionListener progress) {
        JsonNode input = input(request);
        try (var notice = Interruption.notice()) {
            return workspace.runtime().run("training-pipeline", definition(), input, progress);
        }
    }
}
