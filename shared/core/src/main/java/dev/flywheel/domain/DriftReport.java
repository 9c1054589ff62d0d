package dev.flywheel.domain;

import java.time.Instant;
import java.util.List;

/**
 * A drift check of live traffic against a model version's training baseline.
 *
 * @param windowStart start of the scored traffic window (inclusive)
 * @param windowEnd   end of the scored traffic window (exclusive)
 * @param sampleSize  rows of live traffic scored
 * @param reportUri   the readable report (HTML) in the artifact store; {@code report.json} is beside it
 * @param verdict     "drift", "degraded" (performance), "drift and degraded", "no drift" or "no verdict"
 * @param reason      one sentence: why the verdict is what it is
 */
public record DriftReport(
        String id,
        String model,
        int modelVersion,
        Instant createdAt,
        Instant windowStart,
        Instant windowEnd,
        long sampleSize,
        List<FeatureDrift> features,
        boolean drifted,
        String reportUri,
        String verdict,
        String reason) {

    public DriftReport {
        Require.name(id, "drift report id");
        Require.name(model, "model name");
        Require.positive(modelVersion, "model version");
        Require.notNull(createdAt, "createdAt");
        Require.notNull(windowStart, "windowStart");
        Require.notNull(windowEnd, "windowEnd");
        if (windowEnd.isBefore(windowStart)) {
            throw new InvalidRecordException("drift window ends (" + windowEnd + ") before it starts (" + windowStart + ")");
        }
        Require.nonNegative(sampleSize, "sample size");
        features = features == null ? List.of() : List.copyOf(features);
    }
}
