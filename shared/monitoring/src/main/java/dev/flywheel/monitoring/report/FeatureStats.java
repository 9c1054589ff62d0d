package dev.flywheel.monitoring.report;

import static dev.flywheel.monitoring.report.Html.NONE;
import static dev.flywheel.monitoring.report.Html.esc;
import static dev.flywheel.monitoring.report.Html.num;
import static dev.flywheel.monitoring.report.Html.p;

import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The report's per-feature wording: the statistics table, the deciding statistic and each feature's stat list. */
final class FeatureStats {
    private static final String[] HEADERS = {"Feature", "Type", "Drift", "Decided by", "Statistic vs threshold",
        "KS", "p-value", "PSI", "Wasserstein", "χ² p-value", "JS distance", "Unseen", "Missing Δ", "KS error bound"};

    private FeatureStats() {
    }

    /** Drifted features first, the document's order kept otherwise. */
    static List<FeatureResult> sorted(List<FeatureResult> features) {
        List<FeatureResult> out = new ArrayList<>(features);
        out.sort(Comparator.comparing((FeatureResult f) -> !f.drifted()));
        return out;
    }

    /** The table of every feature; each name links to its section ({@code #f-i}, i its index in the sorted list). */
    static String table(List<FeatureResult> sorted) {
        StringBuilder t = new StringBuilder(8192);
        t.append("<div class=\"table-wrap\"><table class=\"features\">\n<thead><tr>");
        for (String h : HEADERS) {
            t.append("<th scope=\"col\">").append(h).append("</th>");
        }
        t.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < sorted.size(); i++) {
            FeatureResult f = sorted.get(i);
            t.append(f.drifted() ? "<tr class=\"drifted\">" : "<tr>")
                    .append("<th scope=\"row\" title=\"").append(esc(f.name())).append("\"><a href=\"#f-").append(i)
                    .append("\">").append(esc(f.name()))
                    .append("</a></th>")
                    .append(td(esc(f.type()))).append("<td>").append(badge(f.drifted(), true)).append("</td>")
                    .append(td(methodName(f.method()))).append(td(versus(f)))
                    .append(td(num(f.ks()))).append(td(p(f.pValue()))).append(td(num(f.psi())))
                    .append(td(num(f.wasserstein()))).append(td(p(f.chiSquarePValue())))
                    .append(td(num(f.jsDistance()))).append(td(f.unseen() == null ? NONE : Html.count(f.unseen())))
                    .append(td(Html.pp(f.missingRateChange()))).append(td(num(f.ksErrorBound())))
                    .append("</tr>\n");
        }
        return t.append("</tbody></table></div>\n").toString();
    }

    /** A definition list of the statistics that apply to this feature (null ones left out). */
    static String list(FeatureResult f) {
        StringBuilder d = new StringBuilder(1024).append("<dl class=\"stats\">");
        item(d, "Type", esc(f.type()));
        item(d, "Decided by", methodName(f.method()));
        item(d, "Statistic vs threshold", versus(f));
        if (f.ks() != null) {
            item(d, "KS statistic", num(f.ks()));
        }
        if (f.pValue() != null) {
            item(d, "KS p-value", p(f.pValue()));
        }
        if (f.ksErrorBound() != null) {
            item(d, "KS error bound", num(f.ksErrorBound()));
        }
        if (f.psi() != null) {
            item(d, "PSI", num(f.psi()));
        }
        if (f.wasserstein() != null) {
            item(d, "Wasserstein", num(f.wasserstein()));
        }
        if (f.chiSquarePValue() != null) {
            item(d, "χ² p-value", p(f.chiSquarePValue()));
        }
        if (f.jsDistance() != null) {
            item(d, "JS distance", num(f.jsDistance()));
        }
        if (f.unseen() != null) {
            item(d, "Unseen categories", Html.count(f.unseen()) + " rows");
        }
        item(d, "Missing rate", Html.pct(f.baselineMissingRate()) + " → " + Html.pct(f.currentMissingRate())
                + " (" + Html.pp(f.missingRateChange()) + ")");
        item(d, "Rows", Html.count(f.baselineCount()) + " baseline, " + Html.count(f.currentCount()) + " current");
        return d.append("</dl>").toString();
    }

    /** DRIFT / no drift as a word in a coloured box (the word carries the meaning; the colour only helps). */
    static String badge(boolean drifted, boolean small) {
        String size = small ? " small" : "";
        return drifted ? "<span class=\"badge drift" + size + "\">DRIFTED</span>"
                : "<span class=\"badge ok" + size + "\">NO DRIFT</span>";
    }

    /** "3.2e-5 &lt; 0.05": the deciding statistic against its threshold, p-values formatted as such. */
    static String versus(FeatureResult f) {
        boolean pValue = "ks".equals(f.method()) || "chi2".equals(f.method());
        String stat = pValue ? p(f.statistic()) : num(f.statistic());
        String threshold = pValue ? p(f.threshold()) : num(f.threshold());
        String op = Double.isNaN(f.statistic()) || Double.isNaN(f.threshold()) ? "vs"
                : f.statistic() < f.threshold() ? "&lt;" : f.statistic() > f.threshold() ? "&gt;" : "=";
        return stat + " " + op + " " + threshold;
    }

    static String methodName(String method) {
        if (method == null) {
            return NONE;
        }
        return switch (method) {
            case "ks" -> "KS test (p-value)";
            case "chi2" -> "χ² test (p-value)";
            case "psi" -> "PSI";
            case "wasserstein" -> "Wasserstein";
            case "js" -> "JS distance";
            case "missing" -> "missing rate";
            default -> esc(method);
        };
    }

    private static String td(String html) {
        return "<td>" + html + "</td>";
    }

    private static void item(StringBuilder d, String term, String html) {
        d.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>");
    }
}
