package dev.flywheel.monitoring;

import dev.flywheel.domain.MlTask;
import dev.flywheel.monitoring.report.DriftDocument;
import dev.flywheel.monitoring.report.DriftDocument.Chart;
import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import dev.flywheel.monitoring.report.DriftDocument.Performance;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.statistics.BaselineProfile.FeatureProfile;
import dev.flywheel.statistics.CategoricalTests;
import dev.flywheel.statistics.CategoricalWindow;
import dev.flywheel.statistics.EmpiricalDistribution;
import dev.flywheel.statistics.NumericTests;
import dev.flywheel.statistics.NumericWindow;
import dev.flywheel.statistics.PerformanceWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares a window with its model version's baseline under a {@link DriftPolicy}: every feature, the predictions,
 * and performance where labels exist; then the verdict and the one sentence that says why.
 */
public final class DriftScorer {
    /** Categories drawn in a chart; the rest are summed as "(other)". */
    static final int CHART_CATEGORIES = 12;

    private final DriftPolicy policy;

    public DriftScorer(DriftPolicy policy) {
        this.policy = policy;
    }

    public DriftDocument score(String id, String source, Instant createdAt, Instant windowStart, Instant windowEnd,
                               WindowProfile window) {
        ModelBaseline baseline = window.baseline();
        List<FeatureResult> features = new ArrayList<>();
        for (FeatureSpec spec : baseline.pipeline().features()) {
            FeatureProfile base = baseline.profile().features().get(spec.name());
            features.add(ModelBaseline.numeric(spec)
                    ? numeric(spec.name(), base, window.numeric().get(spec.name()))
                    : categorical(spec.name(), base, window.categorical().get(spec.name())));
        }
        FeatureResult prediction = prediction(baseline, window);
        Performance performance = performance(baseline, window.performance());

        List<FeatureResult> counted = features.stream().filter(f -> !ignored(f.name())).toList();
        long drifted = counted.stream().filter(FeatureResult::drifted).count();
        double share = counted.isEmpty() ? 0 : (double) drifted / counted.size();
        boolean enough = window.rows() >= policy.minRows();
        boolean dataDrift = enough && !counted.isEmpty() && share >= policy.datasetShare();
        String reason = reason(window.rows(), enough, dataDrift, drifted, counted.size(), share, features, prediction,
                performance);
        return new DriftDocument(id, baseline.model(), baseline.version().version(), source, createdAt, windowStart,
                windowEnd, window.rows(), baseline.profile().rows(), dataDrift, share, policy.datasetShare(), reason,
                features.stream().sorted(Comparator.comparing(FeatureResult::drifted).reversed()).toList(),
                prediction, performance);
    }

    private boolean ignored(String feature) {
        return Boolean.TRUE.equals(policy.rule(feature).ignore());
    }

    private String reason(long rows, boolean enough, boolean dataDrift, long drifted, int counted, double share,
                          List<FeatureResult> features, FeatureResult prediction, Performance performance) {
        if (!enough) {
            return String.format(Locale.ROOT, "No verdict: %d rows in the window, fewer than the %d a verdict needs.",
                    rows, policy.minRows()) + (rows == 0 ? " (Captures reach the store in batches, up to "
                    + "FLYWHEEL_CAPTURE_MAX_AGE_SECONDS, 60 s by default, after the requests.)" : "");
        }
        StringBuilder out = new StringBuilder();
        List<String> names = features.stream().filter(FeatureResult::drifted).map(FeatureResult::name).toList();
        out.append(String.format(Locale.ROOT, "%d of %d features drifted (%.0f%%; the dataset drifts at %.0f%%)",
                drifted, counted, share * 100, policy.datasetShare() * 100));
        if (!names.isEmpty()) {
            out.append(": ").append(String.join(", ", names.subList(0, Math.min(5, names.size()))));
            if (names.size() > 5) {
                out.append(" and ").append(names.size() - 5).append(" more");
            }
        }
        out.append(dataDrift ? ". Data drift." : ". No data drift.");
        if (prediction == null) {
            out.append(" No prediction of this version in the window: prediction drift and performance were not "
                    + "measured.");
        } else if (prediction.drifted()) {
            out.append(dataDrift ? " The predictions drifted too." : " The predictions drifted.");
        }
        if (performance != null && performance.current() != null) {
            out.append(String.format(Locale.ROOT, " %s on %d labelled rows: %.4f against %s at test%s.",
                    performance.metric().toUpperCase(Locale.ROOT), performance.labeledRows(), performance.current(),
                    performance.atTest() == null ? "none recorded" : String.format(Locale.ROOT, "%.4f",
                            performance.atTest()), performance.degraded() ? ": degraded" : ""));
        }
        return out.toString();
    }

    /** One numeric feature (or numeric predictions) against its baseline profile. */
    public FeatureResult numeric(String name, FeatureProfile base, NumericWindow window) {
        EmpiricalDistribution baseline = base.distribution();
        EmpiricalDistribution current = window.distribution();
        double missingChange = window.missingRate() - base.missingRate();
        double[] edges = base.bins();
        Chart chart = numericChart(edges, baseline, window.binCounts());
        // KS needs two values a side: a feature (or the predictions) with fewer is judged by its missing rate only
        if (baseline.count() < 2 || current.count() < 2) {
            return missingOnly(name, "numeric", base, window.count(), window.missingRate(), missingChange, chart,
                    null);
        }
        NumericTests.Ks ks = NumericTests.ks(baseline, current);
        double std = base.std() == null ? baseline.std() : base.std();
        double w = NumericTests.wasserstein(baseline, current);
        double wasserstein = std > 0 ? w / std : w;
        double psi = NumericTests.psi(proportions(edges, baseline), window.binCounts());
        DriftPolicy.FeatureRule rule = policy.rule(name);
        String method = method(rule, "ks", "wasserstein", current.count());
        double statistic;
        double threshold;
        boolean drifted;
        switch (method) {
            case "ks" -> {
                statistic = ks.pValue();
                threshold = or(rule.threshold(), policy.pValue());
                drifted = statistic < threshold;
            }
            case "psi" -> {
                statistic = psi;
                threshold = or(rule.threshold(), policy.psi());
                drifted = statistic >= threshold;
            }
            case "wasserstein" -> {
                statistic = wasserstein;
                threshold = or(rule.threshold(), policy.wasserstein());
                drifted = statistic >= threshold;
            }
            default -> throw new IllegalArgumentException("feature '" + name + "' is numeric: its method must be "
                    + "ks, wasserstein or psi, not " + method);
        }
        if (!drifted && Math.abs(missingChange) >= policy.missingRateChange()) {
            method = "missing";
            statistic = missingChange;
            threshold = policy.missingRateChange();
            drifted = true;
        }
        return new FeatureResult(name, "numeric", drifted, method, statistic, threshold, ks.statistic(), ks.pValue(),
                psi, wasserstein, null, null, missingChange, base.missingRate(), window.missingRate(), base.count(),
                window.count(), ks.errorBound(), null, chart);
    }

    FeatureResult categorical(String name, FeatureProfile base, CategoricalWindow window) {
        Map<String, Long> baseline = present(base.frequencies());
        Map<String, Long> current = window.frequencies();
        double missingChange = window.missingRate() - base.missingRate();
        Chart chart = categoricalChart(baseline, current);
        long currentPresent = window.count() - window.missing();
        if (baseline.isEmpty() || currentPresent == 0) {
            return missingOnly(name, "categorical", base, window.count(), window.missingRate(), missingChange, chart,
                    window.unseen());
        }
        double chi2 = CategoricalTests.chiSquarePValue(baseline, current);
        double js = CategoricalTests.jensenShannon(baseline, current);
        DriftPolicy.FeatureRule rule = policy.rule(name);
        String method = method(rule, "chi2", "js", currentPresent);
        double statistic;
        double threshold;
        boolean drifted;
        switch (method) {
            case "chi2" -> {
                statistic = chi2;
                threshold = or(rule.threshold(), policy.pValue());
                drifted = statistic < threshold;
            }
            case "js" -> {
                statistic = js;
                threshold = or(rule.threshold(), policy.jsDistance());
                drifted = statistic >= threshold;
            }
            default -> throw new IllegalArgumentException("feature '" + name + "' is categorical: its method must be "
                    + "chi2 or js, not " + method);
        }
        if (!drifted && Math.abs(missingChange) >= policy.missingRateChange()) {
            method = "missing";
            statistic = missingChange;
            threshold = policy.missingRateChange();
            drifted = true;
        }
        return new FeatureResult(name, "categorical", drifted, method, statistic, threshold, null, null, null, null,
                chi2, js, missingChange, base.missingRate(), window.missingRate(), base.count(), window.count(), null,
                window.unseen(), chart);
    }

    /** A side with no values: only the missing rate can say anything. */
    private FeatureResult missingOnly(String name, String type, FeatureProfile base, long count, double missingRate,
                                      double missingChange, Chart chart, Long unseen) {
        boolean drifted = count > 0 && Math.abs(missingChange) >= policy.missingRateChange();
        return new FeatureResult(name, type, drifted, "missing", missingChange, policy.missingRateChange(), null,
                null, null, null, null, null, missingChange, base.missingRate(), missingRate, base.count(), count, null,
                unseen, chart);
    }

    private FeatureResult prediction(ModelBaseline baseline, WindowProfile window) {
        FeatureProfile base = baseline.profile().prediction();
        if (base == null || window.predictions() == 0) {
            return null;
        }
        return baseline.pipeline().task() == MlTask.MULTICLASS
                ? categorical("prediction", base, window.predictionLabels())
                : numeric("prediction", base, window.predictionValues());
    }

    private Performance performance(ModelBaseline baseline, PerformanceWindow window) {
        if (window.rows() == 0) {
            return null;
        }
        String metric = window.metric();
        Double atTest = baseline.testMetric(metric);
        Double current = window.value();
        boolean higher = !"rmse".equals(metric);
        double tolerance = policy.performanceTolerance();
        boolean degraded = false;
        if (atTest != null && current != null && window.rows() >= policy.minLabeledRows()) {
            degraded = higher ? current <= atTest - tolerance : current >= atTest * (1 + tolerance);
        }
        return new Performance(metric, atTest, current, window.rows(), degraded,
                tolerance, higher);
    }

    /** "auto" picks the small-window test or the large-window distance by the window's non-missing rows. */
    private String method(DriftPolicy.FeatureRule rule, String smallWindow, String largeWindow, long rows) {
        String method = rule.method() == null ? "auto" : rule.method();
        if (!"auto".equals(method)) {
            return method;
        }
        return rows <= policy.smallWindowRows() ? smallWindow : largeWindow;
    }

    /** The baseline's share of values in each of its bins. */
    static double[] proportions(double[] edges, EmpiricalDistribution d) {
        double[] p = new double[edges.length + 1];
        double below = 0;
        for (int i = 0; i < edges.length; i++) {
            double at = d.cdf(edges[i]);
            p[i] = Math.max(0, at - below);
            below = at;
        }
        p[edges.length] = Math.max(0, 1 - below);
        return p;
    }

    private static Chart numericChart(double[] edges, EmpiricalDistribution baseline, long[] current) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i <= edges.length; i++) {
            if (edges.length == 0) {
                labels.add("all");
            } else if (i == 0) {
                labels.add("≤ " + number(edges[0]));
            } else if (i == edges.length) {
                labels.add("> " + number(edges[i - 1]));
            } else {
                labels.add(number(edges[i - 1]) + " – " + number(edges[i]));
            }
        }
        double[] base = baseline.count() == 0 ? new double[edges.length + 1] : proportions(edges, baseline);
        return new Chart(labels, boxed(base), boxed(normalise(current)));
    }

    private static Chart categoricalChart(Map<String, Long> baseline, Map<String, Long> current) {
        double baseTotal = baseline.values().stream().mapToLong(Long::longValue).sum();
        double currentTotal = current.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> weight = new TreeMap<>();
        baseline.forEach((k, v) -> weight.merge(k, baseTotal == 0 ? 0 : v / baseTotal, Double::sum));
        current.forEach((k, v) -> weight.merge(k, currentTotal == 0 ? 0 : v / currentTotal, Double::sum));
        List<String> top = weight.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).limit(weight.size() > CHART_CATEGORIES ? CHART_CATEGORIES - 1 : CHART_CATEGORIES)
                .toList();
        List<String> labels = new ArrayList<>(top);
        List<Double> b = new ArrayList<>();
        List<Double> c = new ArrayList<>();
        double restB = 1;
        double restC = 1;
        for (String k : top) {
            double pb = baseTotal == 0 ? 0 : baseline.getOrDefault(k, 0L) / baseTotal;
            double pc = currentTotal == 0 ? 0 : current.getOrDefault(k, 0L) / currentTotal;
            b.add(pb);
            c.add(pc);
            restB -= pb;
            restC -= pc;
        }
        if (weight.size() > top.size()) {
            labels.add("(other)");
            b.add(baseTotal == 0 ? 0 : Math.max(0, restB));
            c.add(currentTotal == 0 ? 0 : Math.max(0, restC));
        }
        return new Chart(labels, b, c);
    }

    private static Map<String, Long> present(Map<String, Long> frequencies) {
        Map<String, Long> out = new TreeMap<>(frequencies == null ? Map.of() : frequencies);
        out.remove("");
        return out;
    }

    private static double[] normalise(long[] counts) {
        double total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] p = new double[counts.length];
        for (int i = 0; i < counts.length && total > 0; i++) {
            p[i] = counts[i] / total;
        }
        return p;
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static double or(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}
