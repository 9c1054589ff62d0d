package ml.dmlc.xgboost4j.java;

import ai.djl.ml.xgboost.XgbSymbolBlock;

/**
 * Sets an XGBoost parameter on a booster that DJL loaded. DJL exposes the booster's native handle but no way to set
 * its parameters, and xgboost4j's JNI class is package-private: hence this class in xgboost4j's package, as DJL's own
 * {@code JniUtils}.
 */
public final class DjlBoosterParameters {
    private DjlBoosterParameters() {
    }

    /** @throws IllegalStateException when XGBoost rejects the parameter */
    public static void set(XgbSymbolBlock booster, String name, String value) {
        try {
            XGBoostJNI.checkCall(XGBoostJNI.XGBoosterSetParam(booster.getHandle(), name, value));
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost rejected " + name + "=" + value + ": " + e.getMessage(), e);
        }
    }
}
