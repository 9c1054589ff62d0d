package dev.flywheel.monitoring;

import dev.flywheel.json.JsonFormatException;
import dev.flywheel.serving.online.CaptureKeys;
import dev.flywheel.serving.online.CaptureLog;
import dev.flywheel.serving.online.CaptureRecord;
import dev.flywheel.serving.online.FeedbackRecord;
import dev.flywheel.serving.online.JsonLinesBatch;
import dev.flywheel.store.ArtifactStore;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A window's captures and labels as every monitoring step reads them. A capture batch counts whole or not at all:
 * one damaged anywhere (a truncated object) gives nothing, rather than the rows before the damage. Labels are the
 * feedback received from the window's start to {@link DriftMonitor#FEEDBACK_GRACE} after its end, the latest per
 * served instance, for at most {@link DriftMonitor#FEEDBACK_LIMIT} instances; a damaged feedback batch's labels are
 * left out.
 */
final class WindowCaptures {
    private WindowCaptures() {
    }

    /** @param truncated labels of more instances were received than are held */
    record Labels(Map<String, FeedbackRecord> byKey, boolean truncated) {
        /** The label of a captured instance, or null. */
        FeedbackRecord of(CaptureRecord capture) {
            return byKey.get(FeedbackRecord.key(capture.requestId(), capture.index()));
        }
    }

    static Labels labels(ArtifactStore store, String model, Instant from, Instant until) {
        Map<String, FeedbackRecord> labels = new HashMap<>();
        boolean[] truncated = {false};
        for (String key : new CaptureLog(store).keys(CaptureKeys.FEEDBACK, model, from,
                until.plus(DriftMonitor.FEEDBACK_GRACE))) {
            try {
                JsonLinesBatch.read(store, key, FeedbackRecord.class, record -> {
                    if (labels.size() >= DriftMonitor.FEEDBACK_LIMIT && !labels.containsKey(record.key())) {
                        truncated[0] = true;
                        return;
                    }
                    labels.merge(record.key(), record, (a, b) -> b.receivedAt().isAfter(a.receivedAt()) ? b : a);
                });
            } catch (UncheckedIOException | JsonFormatException e) {
                // a damaged feedback batch: its labels are left out
            }
        }
        return new Labels(labels, truncated[0]);
    }

    /** The capture batch objects in the window's hour partitions. */
    static List<String> batches(ArtifactStore store, String model, Instant from, Instant until) {
        return new CaptureLog(store).keys(CaptureKeys.CAPTURES, model, from, until);
    }

    /**
     * The captures of one batch object that belong to the window: this model's served traffic (not shadow scoring)
     * with a timestamp in {@code [from, until)}; empty when the batch is damaged.
     */
    static Optional<List<CaptureRecord>> read(ArtifactStore store, String key, String model, Instant from,
                                              Instant until) {
        List<CaptureRecord> out = new ArrayList<>();
        try {
            JsonLinesBatch.read(store, key, CaptureRecord.class, capture -> {
                if (!capture.shadow() && model.equals(capture.model()) && capture.timestamp() != null
                        && !capture.timestamp().isBefore(from) && capture.timestamp().isBefore(until)) {
                    out.add(capture);
                }
            });
        } catch (UncheckedIOException | JsonFormatException e) {
            return Optional.empty();
        }
        return Optional.of(out);
    }
}
