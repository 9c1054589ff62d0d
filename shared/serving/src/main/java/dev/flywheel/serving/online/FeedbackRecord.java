package dev.flywheel.serving.online;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The ground truth for one served instance, joined to its capture by {@code requestId} and {@code index}.
 *
 * @param label      the true class (classification)
 * @param value      the true value (regression)
 * @param receivedAt when the feedback arrived; the latest wins when one instance gets several
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeedbackRecord(String requestId, int index, String model, String label, Double value,
                             Instant receivedAt) {
    /** The join key. */
    public String key() {
        return key(requestId, index);
    }

    /** The join key of a served instance: its request and its position in it. */
    public static String key(String requestId, int index) {
        return requestId + "#" + index;
    }
}
