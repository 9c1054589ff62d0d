package dev.flywheel.monitoring;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.InvalidInputException;
import java.util.List;
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
        check(smallWindowRows >= 0, "smallWindowRows must not be negative, got " + smallWindowRows);
        check(minRows >= 0, "minRows must not be negative, got " + minRows);
        check(minLabeledRows >= 0, "minLabeledRows must not be negative, got " + minLabeledRows);
        check(wasserstein > 0, "wasserstein must be positive, got " + wasserstein);
        check(jsDistance > 0, "jsDistance must be positive, got " + jsDistance);
        check(psi > 0, "psi must be positive, got " + psi);
        check(missingRateChange > 0, "missingRateChange must be positive, got " + missingRateChange);
        check(performanceTolerance >= 0, "performanceTolerance must not be negative, got " + performanceTolerance);
        features.forEach((name, rule) -> {
            check(rule != null, "the rule of feature '" + name + "' is empty");
            check(rule.method() == null || METHODS.contains(rule.method()), "features." + name + ": method must be "
                    + "one of " + METHODS.stream().sorted().toList() + ", got '" + rule.method() + "'");
            check(rule.threshold() == null || rule.threshold() > 0, "features." + name + ": threshold must be "
                    + "positive, got " + rule.threshold());
        });
    }

    private static final List<String> FIELDS = List.of("smallWindowRows", "pValue", "wasserstein", "jsDistance", "psi",
            "missingRateChange", "datasetShare", "minRows", "performanceTolerance", "minLabeledRows", "features");
    private static final List<String> RULE_FIELDS = List.of("method", "threshold", "ignore");

    /**
     * Reads a policy strictly (Flywheel's JSON reading ignores unknown fields elsewhere): a misspelt field or a value
     * of the wrong type is an error that names it, never a silently default threshold.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static DriftPolicy fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULTS;
        }
        check(node.isObject(), "a policy is a JSON object like {\"pValue\": 0.01}, not " + node.getNodeType());
        known(node, FIELDS, "");
        Map<String, FeatureRule> rules = new java.util.LinkedHashMap<>();
        JsonNode features = node.path("features");
        if (!features.isMissingNode() && !features.isNull()) {
            check(features.isObject(), "features must be an object of feature name to rule");
            features.fields().forEachRemaining(e -> {
                String at = "features." + e.getKey() + ".";
                check(e.getValue().isObject(), "features." + e.getKey() + " must be an object like {\"method\": \"psi\"}");
                known(e.getValue(), RULE_FIELDS, at);
                JsonNode method = e.getValue().path("method");
                check(method.isMissingNode() || method.isNull() || method.isTextual(), at + "method must be a string");
                JsonNode ignore = e.getValue().path("ignore");
                check(ignore.isMissingNode() || ignore.isNull() || ignore.isBoolean(), at + "ignore must be true or false");
                rules.put(e.getKey(), new FeatureRule(method.isTextual() ? method.asText() : null,
                        number(e.getValue(), "threshold", at), ignore.isBoolean() ? ignore.asBoolean() : null));
            });
        }
        return new DriftPolicy(whole(node, "smallWindowRows"), number(node, "pValue", ""), number(node, "wasserstein", ""),
                number(node, "jsDistance", ""), number(node, "psi", ""), number(node, "missingRateChange", ""),
                number(node, "datasetShare", ""), whole(node, "minRows"), number(node, "performanceTolerance", ""),
                whole(node, "minLabeledRows"), rules);
    }

    private static void known(JsonNode node, List<String> fields, String at) {
        node.fieldNames().forEachRemaining(name -> check(fields.contains(name), "unknown field '" + at + name
                + "'; the fields are " + String.join(", ", fields)));
    }

    private static Double number(JsonNode node, String field, String at) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        check(v.isNumber(), at + field + " must be a number, got " + v);
        return v.asDouble();
    }

    private static Integer whole(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        check(v.canConvertToInt() && v.isIntegralNumber(), field + " must be a whole number, got " + v);
        return v.asInt();
    }

    /**
     * Checks the per-feature rules against a model's features: each names one of them, with a method for its type.
     *
     * @param numeric feature name to true for numeric, false for categorical
     */
    public void checkFeatures(Map<String, Boolean> numeric) {
        features.forEach((name, rule) -> {
            Boolean isNumeric = numeric.get(name);
            check(isNumeric != null, "features." + name + ": the model has no feature '" + name + "'; its features: "
                    + String.join(", ", numeric.keySet()));
            String method = rule.method() == null ? "auto" : rule.method();
            Set<String> allowed = isNumeric ? Set.of("auto", "ks", "wasserstein", "psi") : Set.of("auto", "chi2", "js");
            check(allowed.contains(method), "features." + name + ": '" + name + "' is " + (isNumeric ? "numeric"
                    : "categorical") + ", so its method is one of " + allowed.stream().sorted().toList()
                    + ", not '" + method + "'");
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
