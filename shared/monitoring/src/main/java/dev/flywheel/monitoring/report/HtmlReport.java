package dev.flywheel.monitoring.report;

import static dev.flywheel.monitoring.report.Html.NONE;
import static dev.flywheel.monitoring.report.Html.count;
import static dev.flywheel.monitoring.report.Html.esc;
import static dev.flywheel.monitoring.report.Html.num;
import static dev.flywheel.monitoring.report.Html.pct;

import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import dev.flywheel.monitoring.report.DriftDocument.Performance;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The drift report as one self-contained HTML5 page ({@code report.html}): inline CSS and inline SVG, no script and
 * no reference to anything outside the file. A summary with the verdict, a table of every feature (drifted first),
 * then one section per feature and for the prediction, each with a baseline-against-current bar chart.
 */
public final class HtmlReport {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private HtmlReport() {
    }

    /** The whole page. Every string of the document is escaped; null and NaN statistics print as a dash. */
    public static String render(DriftDocument doc) {
        List<FeatureResult> features = FeatureStats.sorted(doc.features());
        String title = "Drift report · " + esc(doc.model()) + " v" + doc.version();
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(title).append("</title>\n<style>\n").append(ReportCss.CSS)
                .append("</style>\n</head>\n<body>\n<main>\n<h1>").append(title).append("</h1>\n");
        summary(h, doc, features);
        h.append("<h2 id=\"features\">Features</h2>\n");
        h.append(features.isEmpty() ? "<p class=\"muted\">The document has no features.</p>\n"
                : FeatureStats.table(features));
        if (doc.prediction() != null) {
            h.append("<h2>Prediction</h2>\n");
            section(h, doc.prediction(), "prediction", "prediction");
        }
        if (!features.isEmpty()) {
            h.append("<h2>Feature distributions</h2>\n");
        }
        for (int i = 0; i < features.size(); i++) {
            section(h, features.get(i), "f-" + i, "feature");
        }
        h.append("<footer class=\"muted\">Report ").append(doc.id() == null ? "" : esc(doc.id()) + " ")
                .append(doc.createdAt() == null ? "" : "created " + time(doc.createdAt()))
                .append("</footer>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, DriftDocument doc, List<FeatureResult> features) {
        long drifted = features.stream().filter(FeatureResult::drifted).count();
        h.append("<section class=\"summary\">\n<div class=\"verdict\">")
                .append(FeatureStats.badge(doc.drifted(), false))
                .append("<p class=\"reason\">").append(esc(doc.reason())).append("</p></div>\n<dl class=\"facts\">");
        fact(h, "Model", esc(doc.model()) + " version " + doc.version());
        fact(h, "Source", sourceName(doc.source()));
        fact(h, "Window", doc.windowStart() == null && doc.windowEnd() == null ? NONE
                : time(doc.windowStart()) + " → " + time(doc.windowEnd()));
        fact(h, "Rows", count(doc.rows()) + " current vs " + count(doc.baselineRows()) + " baseline");
        fact(h, "Drifted features", drifted + " of " + features.size() + " (" + pct(doc.share())
                + "); the dataset drifts at " + pct(doc.datasetShare()));
        if (doc.performance() != null) {
            fact(h, "Performance", performance(doc.performance()));
        }
        if (doc.prediction() != null) {
            FeatureResult p = doc.prediction();
            fact(h, "Prediction drift", FeatureStats.badge(p.drifted(), true) + " "
                    + FeatureStats.methodName(p.method()) + ": " + FeatureStats.versus(p));
        }
        h.append("</dl>\n</section>\n");
    }

    private static String performance(Performance p) {
        String metric = esc(metricName(p.metric()));
        String current = p.current() == null || p.current().isNaN() ? "not computed" : num(p.current());
        return metric + " " + num(p.atTest()) + " at test → " + current + " now, on " + count(p.labeledRows())
                + " labeled rows " + (p.degraded() ? "<span class=\"badge drift small\">DEGRADED</span>"
                : "<span class=\"badge ok small\">NOT DEGRADED</span>")
                + " <span class=\"muted\">(tolerance " + num(p.tolerance()) + ", "
                + (p.higherIsBetter() ? "higher" : "lower") + " is better)</span>";
    }

    private static void section(StringBuilder h, FeatureResult f, String id, String kind) {
        h.append("<section class=\"feature").append(f.drifted() ? " drifted" : "").append("\" id=\"").append(id)
                .append("\">\n<h3>").append(esc(f.name())).append(' ').append(FeatureStats.badge(f.drifted(), true))
                .append("</h3>\n<div class=\"body\"><figure>").append(BarChartSvg.render(f.name(), f.chart(), kind))
                .append("</figure>\n").append(FeatureStats.list(f)).append("</div>\n</section>\n");
    }

    private static void fact(StringBuilder h, String term, String html) {
        h.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>");
    }

    private static String time(Instant t) {
        return t == null ? NONE : TIME.format(t);
    }

    private static String sourceName(String source) {
        if ("captures".equals(source)) {
            return "served traffic (captures)";
        }
        return "batch".equals(source) ? "a scored batch file" : esc(source);
    }

    private static String metricName(String metric) {
        return metric == null ? "metric" : switch (metric) {
            case "auc" -> "AUC";
            case "rmse" -> "RMSE";
            default -> metric;
        };
    }
}
