package dev.flywheel.ml;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/** How raw cell values are read: missing-value tokens, numbers and booleans. */
public final class Values {
    private static final Set<String> MISSING = Set.of("", "?", "na", "n/a", "null", "none", "nan");
    private static final Set<String> TRUE = Set.of("true", "yes", "y", "t");
    private static final Set<String> FALSE = Set.of("false", "no", "n", "f");

    private Values() {
    }

    public static boolean isMissing(String value) {
        return value == null || MISSING.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /** A finite number, or null when the text is not one. */
    public static Double number(String value) {
        if (value == null) {
            return null;
        }
        String t = value.trim();
        if (t.isEmpty()) {
            return null;
        }
        char c = t.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
            return null;
        }
        try {
            double d = Double.parseDouble(t);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static Boolean bool(String value) {
        if (value == null) {
            return null;
        }
        String t = value.trim().toLowerCase(Locale.ROOT);
        if (TRUE.contains(t)) {
            return Boolean.TRUE;
        }
        if (FALSE.contains(t)) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** The canonical text of a number: "1.50" and "1.5" are the same value, so the same text. */
    public static String canonicalNumber(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
