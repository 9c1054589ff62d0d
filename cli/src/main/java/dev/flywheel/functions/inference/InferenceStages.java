package dev.flywheel.functions.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.json.Json;
import dev.flywheel.serving.Prediction;
import dev.flywheel.serving.online.InferenceService;
import java.io.PrintStream;
import java.util.Map;

/**
 * The inference handler's stages one at a time, for {@code flywheel bench inference}. It lives in the CLI module
 * but in the handler's package (the shaded CLI jar holds both), so that the benchmark times the handler's own
 * package-private code, the body reader and the metrics line, instead of copies; the function's jar does not carry
 * it. The one copy is {@link #predictResponse}, of InferenceApi's private response building.
 */
public final class InferenceStages {
    private final EmbeddedMetrics metrics;

    /** @param metricsOut where the Embedded Metric Format lines go, as the handler's */
    public InferenceStages(PrintStream metricsOut) {
        this.metrics = new EmbeddedMetrics(metricsOut, () -> 0L);
    }

    /** The request body read as the handler reads it: size limit, strict JSON, an object. */
    public static JsonNode body(ProxyRequest request, int maxBodyBytes) {
        return RequestBodies.object(request, maxBodyBytes);
    }

    /** The handler's metrics line of a successful prediction. */
    public void metricsLine(long epochMillis, String model, int version, double latencyMillis, int predictions,
                            String requestId) {
        metrics.record(epochMillis, "POST /models/{name}/predict", model, version, 200, latencyMillis, predictions,
                requestId);
    }

    /** A copy of InferenceApi's response to {@code POST /models/{name}/predict}: the JSON body and the headers. */
    public static ProxyResponse predictResponse(InferenceService.Scored scored, String requestId) {
        ObjectNode out = Json.object();
        out.put("model", scored.version().name());
        out.put("version", scored.version().version());
        if (scored.alias() != null) {
            out.put("alias", scored.alias());
        }
        out.put("requestId", requestId);
        ArrayNode predictions = out.putArray("predictions");
        for (Prediction p : scored.predictions()) {
            predictions.add(Json.mapper().valueToTree(p));
        }
        int version = scored.version().version();
        return new ProxyResponse(200, Map.of("Content-Type", "application/json", "X-Request-Id", requestId,
                "X-Flywheel-Model-Version", Integer.toString(version)), Json.write(out), false);
    }
}
