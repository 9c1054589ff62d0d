package dev.flywheel.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Validates every {@code src/main/resources/statemachines/*.asl.json} with asl-validator (the npm package pinned in
 * this module's package-lock.json and installed by {@code npm ci} in the initialize phase), and proves on fixtures
 * that the harness accepts {@code ${Placeholder}} values and fails on a broken definition.
 */
class AslDefinitionsTest {
    private static final long TIMEOUT_SECONDS = 60;

    private static Path validator;
    private static Path definitionsDir;
    private static Path fixturesDir;

    @BeforeAll
    static void locateValidator() {
        validator = Path.of(System.getProperty("flywheel.aslValidator", "node_modules/.bin/asl-validator"));
        definitionsDir = Path.of(System.getProperty("flywheel.definitionsDir", "src/main/resources/statemachines"));
        fixturesDir = Path.of(System.getProperty("flywheel.fixturesDir", "src/test/resources/fixtures"));
        assertThat(validator)
                .as("asl-validator is installed by `npm ci` (exec-maven-plugin, initialize phase); run `npm ci` in "
                        + "statemachines/ if you skipped it")
                .isRegularFile();
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionIsValidAmazonStatesLanguage() throws IOException {
        List<Path> definitions = aslFiles(definitionsDir);
        if (definitions.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("no definitions yet", () -> Assumptions.abort(
                    "No *.asl.json under " + definitionsDir + " yet: nothing to validate")));
        }
        return definitions.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Result result = validate(file);
            if (result.exitCode() != 0) {
                Assertions.fail("asl-validator rejected " + file + ":\n" + result.output());
            }
        }));
    }

    @Test
    void validator_acceptsPlaceholderValues() throws Exception {
        Result result = validate(fixturesDir.resolve("valid/placeholders.asl.json"));

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void validator_rejectsMissingTransitionTargetWithItsMessage() throws Exception {
        Result result = validate(fixturesDir.resolve("invalid/missing-transition-target.asl.json"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("MISSING_TRANSITION_TARGET").contains("Evaluate");
    }

    private static List<Path> aslFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".asl.json")).sorted().toList();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result validate(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(validator.toString(), "--json-path", file.toString())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("asl-validator did not finish within " + TIMEOUT_SECONDS + " s on " + file);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }
}
