package dev.flywheel.functions.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.serving.online.InferenceService;
import java.io.PrintStream;

/**
 * The inference handler's stages one at a time, for {@code flywheel bench inference}. It lives in the CLI module
 * but in the handler's package (the shaded CLI jar holds both), so that the benchmark times the handler's own
 * package-private code, the body reader and the metrics line, instead of copies; the function's jar does not carry
 * it.
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

    /** InferenceApi's response to {@code POST /models/{name}/predict}: the JSON body and the headers. */
    public static ProxyResponse predictResponse(InferenceService.Scored scored, String requestId) {
        return InferenceApi.respond(200, InferenceApi.predictResponse(scored, requestId), requestId,
                scored.version().version());
    }
}
