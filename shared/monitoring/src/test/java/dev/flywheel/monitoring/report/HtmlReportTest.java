package dev.flywheel.monitoring.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.monitoring.report.DriftDocument.Chart;
import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static final Pattern CHART = Pattern.compile("<svg class=\"chart\" data-feature=\"([^\"]*)\"");

    @Test
    void oneChartPerFeatureAndOneForThePrediction() {
        DriftDocument doc = SampleDocuments.twelveFeatures();
        String html = HtmlReport.render(doc);
        List<String> charted = CHART.matcher(html).results().map(m -> m.group(1)).toList();
        assertThat(charted).hasSize(13).containsOnlyOnce("prediction");
        assertThat(charted).containsAll(doc.features().stream().map(FeatureResult::name).toList());
        assertThat(html).contains("data-kind=\"prediction\"");
    }

    @Test
    void summaryCarriesTheVerdictTheReasonAndTheFacts() {
        String html = HtmlReport.render(SampleDocuments.twelveFeatures());
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<title>Drift report · churn v3</title>")
                .contains("<span class=\"badge ok\">NO DRIFT</span>")
                .contains("4 of 12 features drifted (33.3%), below the dataset share of 50%.")
                .contains("48,210 current vs 120,000 baseline")
                .contains("4 of 12 (33.3%); the dataset drifts at 50%")
                .contains("2024-05-01 11:00:00 UTC → 2024-05-01 12:00:00 UTC")
                .contains("AUC 0.912 at test → 0.874 now, on 412 labeled rows")
                .contains("DEGRADED")
                .contains("Prediction drift");
        String drifted = HtmlReport.render(SampleDocuments.single(
                SampleDocuments.categorical("c", true, 1e-4, 0.3, 2L, List.of("a", "b")), true, "All drifted."));
        assertThat(drifted).contains("<span class=\"badge drift\">DRIFTED</span>").contains("All drifted.")
                .doesNotContain("Prediction drift").doesNotContain("Performance");
    }

    @Test
    void tableListsDriftedFeaturesFirstWithTheirStatistics() {
        String html = HtmlReport.render(SampleDocuments.twelveFeatures());
        String table = html.substring(html.indexOf("<table"), html.indexOf("</table>"));
        List<String> rows = Pattern.compile("<a href=\"#f-\\d+\">([^<]*)</a>").matcher(table).results()
                .map(m -> m.group(1)).toList();
        assertThat(rows).hasSize(12).startsWith("income", "balance", "country", "segment");
        assertThat(table).contains("3.2e-5 &lt; 0.05").contains("1.1e-9").contains("2e-12").contains("1.235e6")
                .contains("5211").contains("+2.1 pp").contains("37");
    }

    @Test
    void userStringsAreEscaped() {
        FeatureResult hostile = new FeatureResult(SampleDocuments.HOSTILE_NAME, "categorical", true, "chi2", 0.001,
                0.05, null, null, null, null, 0.001, 0.2, 0, 0, 0, 10, 10, null, 1L,
                new Chart(List.of("<img onerror=x>", SampleDocuments.QUOTES_NAME), List.of(0.5, 0.5),
                        List.of(0.2, 0.8)));
        FeatureResult quotes = SampleDocuments.categorical(SampleDocuments.QUOTES_NAME, false, 0.5, 0.01, 0L,
                List.of("a"));
        DriftDocument doc = new DriftDocument("<id>", "<model>", 1, "<src>", null, null, null, 1, 1, true, 0.5, 0.5,
                "</p><script>bad()</script>", List.of(hostile, quotes), null, null);
        String html = HtmlReport.render(doc);
        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("\"&'")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("data-feature=\"&lt;script&gt;alert(1)&lt;/script&gt;\"")
                .contains("data-feature=\"&quot;&amp;&#39;\"")
                .contains("&lt;img onerror=x&gt;")
                .contains("&lt;model&gt;");
    }

    @Test
    void nothingOutsideTheFileIsReferenced() {
        String html = HtmlReport.render(SampleDocuments.twelveFeatures());
        assertThat(html.toLowerCase()).doesNotContain("http://").doesNotContain("https://").doesNotContain("src=")
                .doesNotContain("<link").doesNotContain("@import").doesNotContain("url(").doesNotContain("<script");
    }

    @Test
    void nanNullAndEmptyChartsDoNotBreakThePage() {
        FeatureResult nan = new FeatureResult("nan", "numeric", false, "wasserstein", Double.NaN, Double.NaN,
                Double.NaN, null, Double.POSITIVE_INFINITY, null, null, null, Double.NaN, Double.NaN, Double.NaN, 0, 0,
                null, null, null);
        FeatureResult zeros = new FeatureResult("zeros", "numeric", false, "psi", 0, 0.2, null, null, 0.0, null, null,
                null, 0, 1, 1, 5, 5, null, null, new Chart(List.of("a", "b"), SampleDocuments.zeros(2),
                SampleDocuments.zeros(2)));
        FeatureResult empty = new FeatureResult("empty", "categorical", false, "js", 0, 0.1, null, null, null, null,
                null, 0.0, 0, 0, 0, 0, 0, null, 0L, new Chart(List.of(), List.of(), List.of()));
        DriftDocument doc = new DriftDocument(null, null, 0, null, null, null, null, 0, 0, false, Double.NaN,
                Double.NaN, null, List.of(nan, zeros, empty), null, null);
        String html = HtmlReport.render(doc);
        assertThat(CHART.matcher(html).results().count()).isEqualTo(3);
        assertThat(html).doesNotContain("NaN").doesNotContain("null").contains("∞")
                .contains("no chart data").contains("no values in either distribution").endsWith("</html>\n");
        Matcher numbers = Pattern.compile("\\s(?:height|width|x|y)=\"([^\"]*)\"").matcher(html);
        while (numbers.find()) {
            assertThat(numbers.group(1)).matches("-?[0-9.]+");
        }
    }

    @Test
    void numbersAreFormattedForPeople() {
        assertThat(Html.p(3.2e-5)).isEqualTo("3.2e-5");
        assertThat(Html.p(0.04213)).isEqualTo("0.04213");
        assertThat(Html.p(0.5)).isEqualTo("0.5");
        assertThat(Html.p(0.0)).isEqualTo("0");
        assertThat(Html.p(null)).isEqualTo("—");
        assertThat(Html.num(0.123456)).isEqualTo("0.1235");
        assertThat(Html.num(5210.77)).isEqualTo("5211");
        assertThat(Html.num(1234567.0)).isEqualTo("1.235e6");
        assertThat(Html.num(Double.NaN)).isEqualTo("—");
        assertThat(Html.pct(1 / 3.0)).isEqualTo("33.3%");
        assertThat(Html.pp(-0.005)).isEqualTo("-0.5 pp");
    }
}
