package dev.flywheel.domain;

/**
 * The drift verdict of one feature (or of the predictions, or of a performance metric).
 *
 * @param method    the statistic used, e.g. "ks", "psi", "chi2"
 * @param statistic the statistic's value
 * @param pValue    the test's p-value where the method has one, else null
 * @param threshold the value beyond which the feature counts as drifted
 */
public record FeatureDrift(String feature, String method, double statistic, Double pValue, double threshold,
                           boolean drifted) {
    public FeatureDrift {
        Require.text(feature, "drift feature");
        Require.text(method, "drift method");
    }
}
