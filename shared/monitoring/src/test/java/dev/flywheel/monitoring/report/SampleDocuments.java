package dev.flywheel.monitoring.report;

import dev.flywheel.monitoring.report.DriftDocument.Chart;
import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import dev.flywheel.monitoring.report.DriftDocument.Performance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Drift documents for the report tests: a realistic one of 12 features and hostile or degenerate pieces. */
final class SampleDocuments {
    static final String HOSTILE_NAME = "<script>alert(1)</script>";
    static final String QUOTES_NAME = "\"&'";

    private SampleDocuments() {
    }

    /** 12 features (7 numeric, 5 categorical; 4 drifted, one with NaN statistics, one all-zero chart), prediction. */
    static DriftDocument twelveFeatures() {
        List<FeatureResult> f = new ArrayList<>();
        f.add(numeric("age", false, 0.41, 0.031, 0.02, 0.8, bins(10, 18, 7), shifted(10, 0)));
        f.add(numeric("income", true, 3.2e-5, 0.112, 0.31, 5210.77, bins(12, 0, 5000), shifted(12, 2)));
        f.add(numeric("tenure_months", false, 0.77, 0.02, 0.01, 0.4, bins(8, 0, 12), shifted(8, 0)));
        f.add(numeric("balance", true, 1.1e-9, 0.2, 0.45, 1234567.0, bins(10, -500, 1000), shifted(10, 3)));
        f.add(numeric("credit_score", false, Double.NaN, Double.NaN, null, null, bins(6, 300, 100), zeros(6)));
        f.add(numeric("num_products", false, 0.09, 0.05, 0.04, 0.12, bins(4, 1, 1), shifted(4, 0)));
        f.add(numeric("days_since_last_login_on_mobile_app", false, 0.5, 0.01, 0.0, 0.3, bins(12, 0, 30),
                shifted(12, 0)));
        f.add(categorical("country", true, 2.0e-12, 0.21, 37L, List.of("FR", "DE", "ES", "IT", "NL", "BE", "PT",
                "PL", "SE", "AT", "IE", "(other)")));
        f.add(categorical("channel", false, 0.34, 0.03, 0L, List.of("web", "mobile", "branch", "phone")));
        f.add(categorical("product_category_with_a_very_long_name", false, 0.6, 0.02, 0L,
                List.of("consumer electronics and accessories", "home & garden", "sports", "<b>bold</b>",
                        "books", "(other)")));
        f.add(categorical("segment", true, 0.004, 0.09, 3L, List.of("retail", "premium", "business")));
        f.add(categorical("gender", false, 0.88, 0.004, 0L, List.of("f", "m", "x")));
        FeatureResult prediction = numeric("prediction", false, 0.12, 0.04, 0.05, 0.02, bins(10, 0, 0.1),
                shifted(10, 1));
        return new DriftDocument("r-20240501-abc", "churn", 3, "captures", Instant.parse("2024-05-01T12:05:00Z"),
                Instant.parse("2024-05-01T11:00:00Z"), Instant.parse("2024-05-01T12:00:00Z"), 48_210, 120_000, false,
                4 / 12.0, 0.5, "4 of 12 features drifted (33.3%), below the dataset share of 50%.", f, prediction,
                new Performance("auc", 0.912, 0.874, 412, true, 0.02, true));
    }

    /** One feature, no prediction and no performance. */
    static DriftDocument single(FeatureResult feature, boolean drifted, String reason) {
        return new DriftDocument("r-1", "m", 1, "batch", null, null, null, 10, 100, drifted, drifted ? 1 : 0, 0.5,
                reason, List.of(feature), null, null);
    }

    static FeatureResult numeric(String name, boolean drifted, double pValue, double ks, Double psi,
                                 Double wasserstein, List<String> labels, List<Double> current) {
        return new FeatureResult(name, "numeric", drifted, "ks", pValue, 0.05, ks, pValue, psi, wasserstein, null,
                null, drifted ? 0.021 : 0, 0.01, drifted ? 0.031 : 0.01, 120_000, 48_210, 0.002, null,
                new Chart(labels, uniform(labels.size()), current));
    }

    static FeatureResult categorical(String name, boolean drifted, double pValue, double js, Long unseen,
                                     List<String> labels) {
        return new FeatureResult(name, "categorical", drifted, "chi2", pValue, 0.05, null, null, null, null, pValue,
                js, 0, 0, 0, 120_000, 48_210, null, unseen, new Chart(labels, uniform(labels.size()),
                shifted(labels.size(), drifted ? 2 : 0)));
    }

    private static List<String> bins(int n, double start, double width) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("[" + Html.num(start + i * width) + ", " + Html.num(start + (i + 1) * width) + ")");
        }
        return out;
    }

    private static List<Double> uniform(int n) {
        List<Double> out = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = 1 + Math.sin(i * 0.9) * 0.6;
            out.add(v);
            sum += v;
        }
        double total = sum;
        return out.stream().map(v -> v / total).toList();
    }

    /** The baseline's shape with its mass moved {@code shift} bins to the right. */
    private static List<Double> shifted(int n, int shift) {
        List<Double> base = uniform(n);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(base.get(Math.max(0, i - shift)));
        }
        double sum = out.stream().mapToDouble(Double::doubleValue).sum();
        return out.stream().map(v -> v / sum).toList();
    }

    static List<Double> zeros(int n) {
        return java.util.Collections.nCopies(n, 0.0);
    }
}
