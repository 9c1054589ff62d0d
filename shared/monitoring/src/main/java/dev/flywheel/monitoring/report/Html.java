package dev.flywheel.monitoring.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Escaping and number formatting for the HTML report: every string from the document goes through {@link #esc}. */
final class Html {
    static final String NONE = "—";

    private Html() {
    }

    /** Text and attribute values alike: {@code & < > " '} escaped; null is the empty string. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** A p-value: as {@link #num}, but scientific with 2 significant digits below 0.001 (3.2e-5). */
    static String p(Double v) {
        if (v == null || v.isNaN()) {
            return NONE;
        }
        double d = v;
        if (d != 0 && Math.abs(d) < 1e-3) {
            return sci(d, 2);
        }
        return num(v);
    }

    /** A statistic for people: 4 significant digits, plain between 0.001 and a million, else scientific. */
    static String num(Double v) {
        if (v == null || v.isNaN()) {
            return NONE;
        }
        double d = v;
        if (Double.isInfinite(d)) {
            return d > 0 ? "∞" : "-∞";
        }
        if (d == 0) {
            return "0";
        }
        double a = Math.abs(d);
        if (a < 1e-3 || a >= 1e6) {
            return sci(d, 4);
        }
        return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A fraction as a percentage with at most one decimal: 0.25 → 25%, 0.1234 → 12.3%. */
    static String pct(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return NONE;
        }
        String s = new BigDecimal(v * 100).setScale(1, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
        return s + "%";
    }

    /** A change of a rate in percentage points, signed: +2.1 pp. */
    static String pp(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return NONE;
        }
        if (v == 0) {
            return "0 pp";
        }
        String s = pct(Math.abs(v)).replace("%", " pp");
        return (v > 0 ? "+" : "-") + s;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String sci(double d, int significant) {
        String s = String.format(Locale.ROOT, "%." + (significant - 1) + "e", d);
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        int exponent = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + exponent;
    }
}
