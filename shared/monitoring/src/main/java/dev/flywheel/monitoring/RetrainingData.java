package dev.flywheel.monitoring;

import dev.flywheel.json.Json;
import dev.flywheel.serving.FeatureSpec;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data a drift-triggered retraining learns from when the user names none: the window's served instances that
 * got ground truth, each as one JSON line of the model's input columns and its target, written through a temporary
 * file (memory holds one capture batch) and stored in one put (a reader sees all of it or nothing). Captures and
 * labels are read as {@link WindowCaptures} reads them.
 */
final class RetrainingData {
    private RetrainingData() {
    }

    /** @return rows written */
    static long export(Stores stores, ModelBaseline baseline, Instant from, Instant until, String key) {
        String model = baseline.model();
        WindowCaptures.Labels labels = WindowCaptures.labels(stores.artifacts(), model, from, until);
        String target = baseline.pipeline().target();
        long rows = 0;
        Path file = null;
        try {
            file = dev.flywheel.io.ScratchFolder.createFile("retrain-", ".jsonl");
            try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                    StandardCharsets.UTF_8))) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (String batch : WindowCaptures.batches(stores.artifacts(), model, from, until)) {
                    // a damaged batch (which the profile step skipped and named) adds nothing
                    for (CaptureRecord capture : WindowCaptures.read(stores.artifacts(), batch, model, from, until)
                            .orElse(List.of())) {
                        FeedbackRecord label = labels.of(capture);
                        Object truth = label == null ? null : label.label() != null ? label.label() : label.value();
                        if (truth == null || !seen.add(FeedbackRecord.key(capture.requestId(), capture.index()))) {
                            continue;
                        }
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (FeatureSpec spec : baseline.pipeline().features()) {
                            row.put(spec.name(), capture.features() == null ? null
                                    : capture.features().get(spec.name()));
                        }
                        row.put(target, truth);
                        out.write(Json.write(row));
                        out.write('\n');
                        rows++;
                    }
                }
            }
            if (rows > 0) {
                try (InputStream in = Files.newInputStream(file)) {
                    stores.artifacts().put(key, in);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the retraining data: " + e.getMessage(), e);
        } finally {
            dev.flywheel.io.ScratchFolder.delete(file);
        }
    }
}
