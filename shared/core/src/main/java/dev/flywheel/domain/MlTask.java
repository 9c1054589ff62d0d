package dev.flywheel.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The kind of supervised problem; written in JSON as "binary", "multiclass" or "regression". */
public enum MlTask {
    BINARY,
    MULTICLASS,
    REGRESSION;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static MlTask parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("task must be 'binary', 'multiclass' or 'regression', got '" + text + "'");
        }
    }

    public boolean isClassification() {
        return this != REGRESSION;
    }

    /** The validation metric used for early stopping and candidate selection. */
    public String primaryMetric() {
        return switch (this) {
            case BINARY -> "auc";
            case MULTICLASS -> "mlogloss";
            case REGRESSION -> "rmse";
        };
    }

    public static boolean higherIsBetter(String metric) {
        return switch (metric) {
            case "auc", "accuracy", "precision", "recall", "f1", "macroF1", "kappa", "r2" -> true;
            default -> false;
        };
    }
}
