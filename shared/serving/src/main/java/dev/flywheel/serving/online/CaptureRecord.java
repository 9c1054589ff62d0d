package dev.flywheel.serving.online;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flywheel.serving.Prediction;
import java.time.Instant;
import java.util.Map;

/**
 * One captured instance: what a model version was asked and what it answered. One JSON line each in the capture
 * batches, so drift scoring streams them.
 *
 * @param index  the instance's position in its request (feedback names it for requests of several instances)
 * @param alias  the alias the version was served under, null when the request pinned a version
 * @param shadow true when the challenger scored it off the response path (the client got the champion's answer)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptureRecord(String requestId, int index, Instant timestamp, String model, int version, String alias,
                            boolean shadow, Map<String, Object> features, Prediction prediction) {
}
