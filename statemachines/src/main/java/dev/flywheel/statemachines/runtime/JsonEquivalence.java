package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** JSON equality as ASL compares values: numbers by value (1 equals 1.0), everything else structurally. */
public final class JsonEquivalence {
    /** Compares numbers by value (1 equals 1.0) and everything else structurally; for {@link JsonNode#equals(Comparator, JsonNode)}. */
    public static final Comparator<JsonNode> NUMERIC_AWARE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonEquivalence() {
    }

    /** Structural equality where numbers compare by value. */
    public static boolean equivalent(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.equals(NUMERIC_AWARE, b);
    }
}
