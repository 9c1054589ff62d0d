package dev.flywheel.data;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How raw cell values are read. A value is missing when its field is empty (or blank), or when it is one of the
 * tokens the user listed for the dataset ({@code --na-values NA,?}); nothing else is: {@code none}, {@code null}
 * or {@code ?} are values like any other unless listed. A boolean is {@code true} or {@code false} (any case).
 */
public final class Values {
    /** The tokens read as missing besides an empty field; immutable and thread-safe. */
    public record Missing(Set<String> tokens) {
        public static final Missing EMPTY_ONLY = new Missing(Set.of());

        public Missing {
            tokens = Set.copyOf(tokens);
        }

        public static Missing of(Collection<String> tokens) {
            return tokens == null || tokens.isEmpty() ? EMPTY_ONLY
                    : new Missing(Set.copyOf(tokens.stream().map(String::trim).toList()));
        }

        public boolean test(String value) {
            if (value == null) {
                return true;
            }
            String t = value.trim();
            return t.isEmpty() || tokens.contains(t);
        }

        public List<String> sorted() {
            return tokens.stream().sorted().toList();
        }
    }

    private Values() {
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

    /** {@code true} or {@code false} in any case, else null: y/n, yes/no, t/f and 0/1 are not booleans. */
    public static Boolean bool(String value) {
        if (value == null) {
            return null;
        }
        String t = value.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** The canonical text of a number: "1.50" and "1.5" are the same value, so the same text. */
    public static String canonicalNumber(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
