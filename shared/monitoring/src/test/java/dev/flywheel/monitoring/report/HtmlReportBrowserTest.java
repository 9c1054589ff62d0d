package dev.flywheel.monitoring.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.monitoring.report.DriftDocument.FeatureResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered report in a real headless Chromium: it loads without console errors, its DOM has one chart per feature
 * and one for the prediction, and a screenshot is left in {@code target/} with the page beside it.
 */
class HtmlReportBrowserTest {
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    private static final Pattern CHART_SVG = Pattern.compile("<svg\\b[^>]*\\bclass=\"chart\"[^>]*>");
    private static final Pattern DATA_FEATURE = Pattern.compile("\\bdata-feature=\"([^\"]*)\"");

    private static HeadlessChromium chromium;
    private static DriftDocument doc;
    private static Path sample;
    private static HeadlessChromium.Run loaded;

    @TempDir
    Path tmp;

    @BeforeAll
    static void renderSample() throws IOException {
        chromium = HeadlessChromium.require();
        doc = SampleDocuments.twelveFeatures();
        Files.createDirectories(TARGET);
        sample = TARGET.resolve("drift-report-sample.html");
        Files.writeString(sample, HtmlReport.render(doc), StandardCharsets.UTF_8);
        loaded = chromium.dumpDom(sample);
    }

    @Test
    void loadsWithoutConsoleErrors() {
        assertThat(loaded.stdout()).contains("</html>");
        assertThat(loaded.console()).as("console messages of the report").isEmpty();
    }

    /** The negative control: the console check does see a thrown error and a console.error. */
    @Test
    void consoleCheckDetectsErrors() throws IOException {
        Path bad = tmp.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html><body><p>x</p>"
                + "<script>console.error('flywheel negative control')</script>"
                + "<script>throw new Error('boom')</script></body></html>");
        HeadlessChromium.Run run = chromium.dumpDom(bad);
        assertThat(run.console()).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("flywheel negative control"))
                .anySatisfy(line -> assertThat(line).contains("Uncaught Error: boom"));
    }

    @Test
    void domHasOneChartPerFeatureAndOneForThePrediction() {
        String dom = loaded.stdout();
        List<String> charted = CHART_SVG.matcher(dom).results().map(m -> DATA_FEATURE.matcher(m.group()))
                .filter(java.util.regex.Matcher::find).map(m -> m.group(1)).toList();
        List<String> expected = Stream.concat(doc.features().stream(), Stream.of(doc.prediction()))
                .map(FeatureResult::name).toList();
        assertThat(charted).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void hostileNamesStayText() throws IOException {
        Path page = tmp.resolve("hostile.html");
        FeatureResult hostile = SampleDocuments.categorical(SampleDocuments.HOSTILE_NAME, true, 1e-6, 0.3, 1L,
                List.of(SampleDocuments.HOSTILE_NAME, SampleDocuments.QUOTES_NAME));
        Files.writeString(page, HtmlReport.render(SampleDocuments.single(hostile, true, "<script>x()</script>")));
        HeadlessChromium.Run run = chromium.dumpDom(page);
        assertThat(run.console()).isEmpty();
        assertThat(run.stdout()).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void screenshotIsTaken() throws IOException {
        Path png = TARGET.resolve("drift-report-screenshot.png");
        Files.deleteIfExists(png);
        chromium.screenshot(sample, png, 1280, 2000);
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(10 * 1024);
    }
}
