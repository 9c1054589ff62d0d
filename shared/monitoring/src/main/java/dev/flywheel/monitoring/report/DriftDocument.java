package dev.flywheel.monitoring.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The whole drift report of one window (or one scored batch) against a model version's baseline: what was compared,
 * every statistic, the verdict and its reason. Written as {@code report.json} beside {@code report.html}; the
 * metadata store keeps the {@link dev.flywheel.domain.DriftReport} summary.
 *
 * @param source        "captures" (a window of served traffic) or "batch" (a file scored with {@code drift score})
 * @param rows          rows of the window that were scored
 * @param share         drifted features / features
 * @param datasetShare  the share of drifted features at which the dataset counts as drifted
 * @param reason        one sentence: why the verdict is what it is
 * @param prediction    drift of the model's outputs (null when the baseline has no prediction profile)
 * @param performance   null when no feedback labels joined the window
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftDocument(String id, String model, int version, String source, Instant createdAt,
                            Instant windowStart, Instant windowEnd, long rows, long baselineRows, boolean drifted,
                            double share, double datasetShare, String reason, List<FeatureResult> features,
                            FeatureResult prediction, Performance performance) {
    public DriftDocument {
        features = features == null ? List.of() : List.copyOf(features);
    }

    /**
     * One feature's comparison. Numeric features carry {@code ks}, {@code pValue}, {@code psi}, {@code wasserstein};
     * categorical ones {@code chiSquarePValue}, {@code jsDistance} and {@code unseen}.
     *
     * @param type          "numeric" or "categorical"
     * @param method        the statistic that decided: "ks", "wasserstein", "psi", "chi2", "js" or "missing"
     * @param statistic     that statistic's value
     * @param threshold     its threshold (for "ks" and "chi2": the p-value below which the feature drifts)
     * @param ksErrorBound  how far the KS statistic may be from the exact one (0 when both sides are exact samples)
     * @param unseen        current rows with a category the baseline never saw
     * @param chart         baseline against current distribution, for the report's chart
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FeatureResult(String name, String type, boolean drifted, String method, double statistic,
                                double threshold, Double ks, Double pValue, Double psi, Double wasserstein,
                                Double chiSquarePValue, Double jsDistance, double missingRateChange,
                                double baselineMissingRate, double currentMissingRate, long baselineCount,
                                long currentCount, Double ksErrorBound, Long unseen, Chart chart) {
    }

    /**
     * Proportions per bin (numeric: the baseline's bins, labelled by their ranges) or per category (the most
     * frequent ones, the rest summed as "(other)"), missing values excluded; each list sums to 1 or is all zeros.
     */
    public record Chart(List<String> labels, List<Double> baseline, List<Double> current) {
        public Chart {
            labels = List.copyOf(labels);
            baseline = List.copyOf(baseline);
            current = List.copyOf(current);
        }
    }

    /**
     * Performance on the window's rows that have feedback, against the model's test metric.
     *
     * @param metric    "auc" (binary), "accuracy" (multiclass) or "rmse" (regression)
     * @param atTest    the version's test metric; null when evaluation did not record it (then no verdict)
 * @param tolerance how much worse than at test time counts as degraded
     */
    public record Performance(String metric, Double atTest, Double current, long labeledRows, boolean degraded,
                              double tolerance, boolean higherIsBetter) {
    }
}
