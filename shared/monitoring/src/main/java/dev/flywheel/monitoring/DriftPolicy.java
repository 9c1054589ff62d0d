package dev.flywheel.monitoring;

import dev.flywheel.domain.InvalidInputException;
import java.util.Map;
import java.util.Set;

/**
 * When a feature, the predictions, the dataset and the model's performance count as drifted. The defaults are
 * those of established tools (Evidently's): a window of at most {@code smallWindowRows} rows decides numeric
 * features by the two-sample KS test and categorical ones by the chi-square test, at p &lt; {@code pValue}; a
 * larger window (where any small difference becomes "significant") by the Wasserstein distance normalised by the
 * baseline's standard deviation and by the Jensen–Shannon distance, each at {@code >= 0.1}. PSI &ge; 0.2 is the
 * conventional "significant shift" when a feature's method is "psi". A missing rate that moves by
 * {@code missingRateChange} or more also drifts a feature. The dataset drifts when at least {@code datasetShare}
 * of its features drift. Every threshold can be set per feature ({@code features}). Null fields take the default.
 *
 * @param minRows              below this many rows a window gives no verdict (the decision says "insufficient
 *                             data" and never retrains)
 * @param performanceTolerance performance is degraded when it is worse than at test time by at least this much
 *                             (absolute: 0.05 AUC or accuracy; for RMSE, relative: 5% higher)
 * @param minLabeledRows       fewer labelled rows than this give no performance verdict
 */
public record DriftPolicy(Integer smallWindowRows, Double pValue, Double wasserstein, Double jsDistance, Double psi,
                          Double missingRateChange, Double datasetShare, Integer minRows,
                          Double performanceTolerance, Integer minLabeledRows, Map<String, FeatureRule> features) {
    public static final Set<String> METHODS = Set.of("auto", "ks", "wasserstein", "psi", "chi2", "js");
    public static final DriftPolicy DEFAULTS = new DriftPolicy(null, null, null, null, null, null, null, null, null,
            null, null);

    /**
     * @param method    "auto" (by window size, as above), "ks", "wasserstein", "psi" (numeric), "chi2", "js"
     *                  (categorical)
     * @param threshold the method's threshold (a p-value for "ks" and "chi2")
     * @param ignore    leave the feature out of the verdict (it is still reported)
     */
    public record FeatureRule(String method, Double threshold, Boolean ignore) {
    }

    public DriftPolicy {
        smallWindowRows = or(smallWindowRows, 1000);
        pValue = or(pValue, 0.05);
        wasserstein = or(wasserstein, 0.1);
        jsDistance = or(jsDistance, 0.1);
        psi = or(psi, 0.2);
        missingRateChange = or(missingRateChange, 0.1);
        datasetShare = or(datasetShare, 0.5);
        minRows = or(minRows, 30);
        performanceTolerance = or(performanceTolerance, 0.05);
        minLabeledRows = or(minLabeledRows, 30);
        features = features == null ? Map.of() : Map.copyOf(features);
        check(pValue > 0 && pValue < 1, "pValue must be between 0 and 1, got " + pValue);
        check(datasetShare > 0 && datasetShare <= 1, "datasetShare must be in (0, 1], got " + datasetShare);
        check(smallWindowRows >= 0 && minRows >= 0 && minLabeledRows >= 0,
                "smallWindowRows, minRows and minLabeledRows must not be negative");
        check(wasserstein > 0 && jsDistance > 0 && psi > 0 && missingRateChange > 0 && performanceTolerance >= 0,
                "thresholds must be positive");
        features.forEach((name, rule) -> {
            check(rule != null, "the rule of feature '" + name + "' is empty");
            check(rule.method() == null || METHODS.contains(rule.method()), "feature '" + name + "': method must be "
                    + "one of " + METHODS.stream().sorted().toList() + ", got '" + rule.method() + "'");
            check(rule.threshold() == null || rule.threshold() > 0, "feature '" + name + "': threshold must be "
                    + "positive, got " + rule.threshold());
        });
    }

    public FeatureRule rule(String feature) {
        return features.getOrDefault(feature, new FeatureRule("auto", null, false));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new InvalidInputException("drift policy: " + message);
        }
    }
}
