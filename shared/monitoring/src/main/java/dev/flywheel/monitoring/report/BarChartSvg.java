package dev.flywheel.monitoring.report;

import static dev.flywheel.monitoring.report.Html.esc;
import static dev.flywheel.monitoring.report.Html.pct;

import dev.flywheel.monitoring.report.DriftDocument.Chart;
import java.util.List;
import java.util.Locale;

/**
 * One inline SVG of grouped bars, baseline against current proportion per bin or category, with a legend. Labels that
 * do not fit are truncated, the full text in an SVG {@code <title>} tooltip; an empty or all-zero chart says so.
 */
final class BarChartSvg {
    static final String BASELINE_COLOUR = "#0072B2"; // Okabe-Ito blue
    static final String CURRENT_COLOUR = "#E69F00";  // Okabe-Ito orange
    private static final int WIDTH = 640;
    private static final int LEFT = 64;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
    private static final int PLOT_HEIGHT = 190;
    private static final double CHAR_WIDTH = 6.4; // average glyph width of the 11px label font
    private static final double[] NICE_STEPS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.25};

    private BarChartSvg() {
    }

    /** The {@code <svg class="chart" data-feature="...">} of one feature (or the prediction); chart may be null. */
    static String render(String feature, Chart chart, String kind) {
        List<String> labels = chart == null ? List.of() : chart.labels();
        int n = chart == null ? 0 : Math.min(labels.size(), Math.min(chart.baseline().size(), chart.current().size()));
        double[] base = new double[n];
        double[] cur = new double[n];
        double max = 0;
        double baseSum = 0;
        double curSum = 0;
        for (int i = 0; i < n; i++) {
            base[i] = clean(chart.baseline().get(i));
            cur[i] = clean(chart.current().get(i));
            max = Math.max(max, Math.max(base[i], cur[i]));
            baseSum += base[i];
            curSum += cur[i];
        }
        double plotWidth = WIDTH - LEFT - RIGHT;
        double groupWidth = n == 0 ? plotWidth : plotWidth / n;
        int horizontalChars = (int) Math.floor((groupWidth - 6) / CHAR_WIDTH);
        boolean rotate = n > 0 && labels.subList(0, n).stream().anyMatch(l -> l.length() > horizontalChars);
        int maxChars = rotate ? 18 : horizontalChars;
        int longest = labels.subList(0, n).stream().mapToInt(l -> Math.min(l.length(), maxChars)).max().orElse(0);
        int bottom = rotate ? (int) Math.ceil(24 + longest * CHAR_WIDTH * Math.sin(Math.toRadians(40))) : 30;
        int height = TOP + PLOT_HEIGHT + bottom;
        double step = step(max);
        int ticks = max == 0 ? 4 : Math.max(1, (int) Math.ceil(max / step - 1e-9));
        double yMax = step * ticks;
        double baseY = TOP + PLOT_HEIGHT;

        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg class=\"chart\" data-feature=\"").append(esc(feature)).append("\" data-kind=\"")
                .append(esc(kind)).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"Baseline against current distribution of ").append(esc(feature))
                .append("\">\n");
        legend(svg, baseSum == 0 && curSum > 0 ? " (none)" : "", curSum == 0 && baseSum > 0 ? " (none)" : "");
        for (int k = 0; k <= ticks; k++) {
            double y = baseY - PLOT_HEIGHT * k / (double) ticks;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
                    LEFT, WIDTH - RIGHT, y, y));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\">%s</text>%n",
                    LEFT - 6, y + 4, pct(step * k)));
        }
        for (int i = 0; i < n; i++) {
            double centre = LEFT + groupWidth * (i + 0.5);
            double barWidth = Math.min(groupWidth * 0.38, 40);
            String label = labels.get(i);
            svg.append("<g class=\"group\">");
            bar(svg, centre - barWidth - 1, barWidth, base[i], yMax, baseY, "baseline", label);
            bar(svg, centre + 1, barWidth, cur[i], yMax, baseY, "current", label);
            svg.append("</g>\n");
            xLabel(svg, label, centre, baseY, rotate, maxChars);
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>%n",
                LEFT, WIDTH - RIGHT, baseY, baseY));
        if (max == 0) {
            svg.append(String.format(Locale.ROOT, "<text class=\"empty\" x=\"%.1f\" y=\"%.1f\">%s</text>%n",
                    LEFT + plotWidth / 2, TOP + PLOT_HEIGHT / 2.0,
                    n == 0 ? "no chart data" : "no values in either distribution"));
        }
        return svg.append("</svg>").toString();
    }

    /** The two series' swatches; a series with no values at all says "(none)" beside its name. */
    private static void legend(StringBuilder svg, String baselineNote, String currentNote) {
        int second = LEFT + 96 + baselineNote.length() * 6;
        svg.append(String.format(Locale.ROOT, "<g class=\"legend\">"
                        + "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"19\">baseline%s</text>"
                        + "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"19\">current%s</text></g>%n",
                LEFT, BASELINE_COLOUR, LEFT + 20, baselineNote, second, CURRENT_COLOUR, second + 20, currentNote));
    }

    private static void bar(StringBuilder svg, double x, double width, double value, double yMax, double baseY,
                            String series, String label) {
        double h = PLOT_HEIGHT * value / yMax;
        svg.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        + "height=\"%.1f\"><title>%s: %s %s</title></rect>",
                series, x, baseY - h, width, h, esc(label), series, pct(value)));
    }

    private static void xLabel(StringBuilder svg, String label, double centre, double baseY, boolean rotate,
                                int maxChars) {
        String shown = label.length() > maxChars ? label.substring(0, Math.max(1, maxChars - 1)) + "…" : label;
        svg.append("<g class=\"xlabel\"><title>").append(esc(label)).append("</title>");
        if (rotate) {
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" transform=\"rotate(-40 %.1f %.1f)\">%s</text>",
                    centre + 4, baseY + 14, centre + 4, baseY + 14, esc(shown)));
        } else {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                    centre, baseY + 17, esc(shown)));
        }
        svg.append("</g>\n");
    }

    private static double clean(Double v) {
        return v == null || v.isNaN() || v.isInfinite() || v < 0 ? 0 : v;
    }

    /** The smallest round tick step that covers {@code max} in at most 5 ticks (a quarter when all is zero). */
    private static double step(double max) {
        if (max == 0) {
            return 0.25;
        }
        for (double s : NICE_STEPS) {
            if (max <= s * 5) {
                return s;
            }
        }
        return Math.ceil(max / 5);
    }
}
