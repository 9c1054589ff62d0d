package dev.flywheel.serving.online;

import dev.flywheel.store.ArtifactStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads what serving wrote: captured instances and feedback over a time window, streamed one record at a time,
 * and their join by {@code requestId} and {@code index} (what performance monitoring and retraining need).
 */
public final class CaptureLog {
    private final ArtifactStore store;

    public CaptureLog(ArtifactStore store) {
        this.store = store;
    }

    /** Writes one feedback batch now (the API answers 202 only once it is stored). */
    public void writeFeedback(String model, List<FeedbackRecord> records) {
        String key = CaptureKeys.batchKey(CaptureKeys.FEEDBACK, model, records.get(0).receivedAt(),
                UUID.randomUUID().toString().substring(0, 13));
        JsonLinesBatch.write(store, key, records);
    }

    /** Streams the captures of {@code model} with a timestamp in {@code [from, until)}, batch by batch. */
    public void captures(String model, Instant from, Instant until, Consumer<CaptureRecord> each) {
        for (String key : keys(CaptureKeys.CAPTURES, model, from, until)) {
            JsonLinesBatch.read(store, key, CaptureRecord.class, record -> {
                if (!record.timestamp().isBefore(from) && record.timestamp().isBefore(until)) {
                    each.accept(record);
                }
            });
        }
    }

    /** The feedback received in {@code [from, until)}, by join key; the latest wins for one instance. */
    public Map<String, FeedbackRecord> feedback(String model, Instant from, Instant until) {
        Map<String, FeedbackRecord> out = new HashMap<>();
        for (String key : keys(CaptureKeys.FEEDBACK, model, from, until)) {
            JsonLinesBatch.read(store, key, FeedbackRecord.class, record -> {
                if (!record.receivedAt().isBefore(from) && record.receivedAt().isBefore(until)) {
                    out.merge(record.key(), record, (a, b) -> b.receivedAt().isAfter(a.receivedAt()) ? b : a);
                }
            });
        }
        return out;
    }

    /**
     * Streams each capture of {@code [from, until)} with its feedback (received up to {@code feedbackUntil}), or
     * null when it has none.
     */
    public void joined(String model, Instant from, Instant until, Instant feedbackUntil,
                       java.util.function.BiConsumer<CaptureRecord, FeedbackRecord> each) {
        Map<String, FeedbackRecord> feedback = feedback(model, from, feedbackUntil);
        captures(model, from, until, capture -> each.accept(capture,
                feedback.get(FeedbackRecord.key(capture.requestId(), capture.index()))));
    }

    /** The batch objects of {@code kind} ({@link CaptureKeys#CAPTURES} or FEEDBACK) in the hours of a window. */
    public List<String> keys(String kind, String model, Instant from, Instant until) {
        return CaptureKeys.hourPrefixes(kind, model, from, until).stream()
                .flatMap(prefix -> store.list(prefix).stream())
                .filter(key -> key.endsWith(".jsonl.gz"))
                .toList();
    }
}
