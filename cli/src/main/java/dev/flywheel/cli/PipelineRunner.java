package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.json.Json;
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
        String fileName = request.data().toAbsolutePath().normalize().getFileName().toString();
        String dataset = request.dataset() != null ? request.dataset() : datasetName(fileName);
        ObjectNode input = Json.object();
        input.put("model", request.model() != null ? request.model() : dataset + "-model");
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
