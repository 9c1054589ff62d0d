package dev.flywheel.monitoring;

import dev.flywheel.json.Json;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.online.CaptureLog;
import dev.flywheel.serving.online.FeedbackRecord;
import dev.flywheel.store.Stores;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import dev.flywheel.serving.online.CaptureRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data a drift-triggered retraining learns from when the user names none: the window's served instances that
 * got ground truth, each as one JSON line of the model's input columns and its target, written through a temporary
 * file (memory holds one capture batch's labelled rows) and stored in one put (a reader sees all of it or nothing). Feedback is joined by
 * request and position; at most {@link DriftMonitor#FEEDBACK_LIMIT} labels are held.
 */
final class RetrainingData {
    private RetrainingData() {
    }

    /** @return rows written */
    static long export(Stores stores, ModelBaseline baseline, Instant from, Instant until, String key) {
        CaptureLog log = new CaptureLog(stores.artifacts());
        Map<String, FeedbackRecord> feedback = new LinkedHashMap<>();
        String model = baseline.model();
        for (String batch : log.keys(dev.flywheel.serving.online.CaptureKeys.FEEDBACK, model, from,
                until.plus(DriftMonitor.FEEDBACK_GRACE))) {
            try {
                dev.flywheel.serving.online.JsonLinesBatch.read(stores.artifacts(), batch, FeedbackRecord.class, r -> {
                    if (feedback.size() < DriftMonitor.FEEDBACK_LIMIT || feedback.containsKey(r.key())) {
                        feedback.merge(r.key(), r, (a, b) -> b.receivedAt().isAfter(a.receivedAt()) ? b : a);
                    }
                });
            } catch (UncheckedIOException | dev.flywheel.json.JsonFormatException e) {
                // a damaged feedback batch: its labels are left out, as when scoring
            }
        }
        String target = baseline.pipeline().target();
        long[] rows = {0};
        Path file = null;
        try {
            file = dev.flywheel.io.ScratchFolder.createFile("retrain-", ".jsonl");
            try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                    StandardCharsets.UTF_8))) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (String batch : log.keys(dev.flywheel.serving.online.CaptureKeys.CAPTURES, model, from, until)) {
                    // a batch's rows are written once it is read to its end: a damaged batch (which the profile
                    // step skipped and named) adds nothing, rather than the rows before the damage
                    List<String> lines = new ArrayList<>();
                    java.util.Set<String> keys = new java.util.HashSet<>();
                    try {
                        dev.flywheel.serving.online.JsonLinesBatch.read(stores.artifacts(), batch,
                                CaptureRecord.class, capture -> {
                                    if (capture.shadow() || capture.timestamp() == null
                                            || capture.timestamp().isBefore(from)
                                            || !capture.timestamp().isBefore(until)) {
                                        return;
                                    }
                                    String joinKey = FeedbackRecord.key(capture.requestId(), capture.index());
                                    FeedbackRecord label = feedback.get(joinKey);
                                    if (label == null || seen.contains(joinKey) || keys.contains(joinKey)) {
                                        return;
                                    }
                                    Object truth = label.label() != null ? label.label() : label.value();
                                    if (truth == null) {
                                        return;
                                    }
                                    Map<String, Object> row = new LinkedHashMap<>();
                                    for (FeatureSpec spec : baseline.pipeline().features()) {
                                        row.put(spec.name(), capture.features() == null ? null
                                                : capture.features().get(spec.name()));
                                    }
                                    row.put(target, truth);
                                    lines.add(Json.write(row));
                                    keys.add(joinKey);
                                });
                    } catch (UncheckedIOException | dev.flywheel.json.JsonFormatException e) {
                        continue;
                    }
                    seen.addAll(keys);
                    for (String line : lines) {
                        out.write(line);
                        out.write('\n');
                        rows[0]++;
                    }
                }
            }
            if (rows[0] > 0) {
                try (InputStream in = Files.newInputStream(file)) {
                    stores.artifacts().put(key, in);
                }
            }
            return rows[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the retraining data: " + e.getMessage(), e);
        } finally {
            dev.flywheel.io.ScratchFolder.delete(file);
        }
    }
}
