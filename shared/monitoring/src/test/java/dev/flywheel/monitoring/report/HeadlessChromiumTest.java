package dev.flywheel.monitoring.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without a browser the browser test is skipped, except on CI with the browser required, where it fails. */
class HeadlessChromiumTest {
    private static final Path NOWHERE = Path.of("/nonexistent/chromium");

    @Test
    void aMissingBrowserIsNotFound() {
        assertThat(HeadlessChromium.find(Map.of("PATH", "/nonexistent", "FLYWHEEL_CHROMIUM", "/nope"), NOWHERE))
                .isEmpty();
    }

    @Test
    void aMissingBrowserSkips() {
        assertThatThrownBy(() -> HeadlessChromium.require(Optional.empty(), Map.of("CI", "true")))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("apt-get install chromium");
    }

    @Test
    void aMissingBrowserFailsOnCiWhenRequired() {
        assertThatThrownBy(() -> HeadlessChromium.require(Optional.empty(),
                Map.of("CI", "true", "FLYWHEEL_REQUIRE_BROWSER", "1")))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("FLYWHEEL_REQUIRE_BROWSER=1");
    }
}
