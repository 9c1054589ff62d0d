package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file the CLI reads as text from an option: one that is not UTF-8 (a binary file) is a usage error that
 * names the option and the file, never the decoder's "Input length = 1"; checked before anything starts.
 */
class UserFilesTest {
    @TempDir
    Path dir;

    private Path binary() throws Exception {
        byte[] bytes = new byte[20_000];
        new Random(7).nextBytes(bytes);
        bytes[0] = (byte) 0xC3; // a lead byte followed by no continuation byte: never UTF-8
        bytes[1] = (byte) 0x28;
        return Files.write(dir.resolve("random.bin"), bytes);
    }

    private static void assertNotText(CliRunner.Result result, String option, Path file, String expected) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("flywheel: " + option + " " + file + " is not UTF-8 text: give " + expected)
                .doesNotContain("Input length");
    }

    @Test
    void aBinaryRetrainInput_isRefusedBeforeTheMonitorStarts_locallyAndDeployed() throws Exception {
        Path file = binary();
        for (String deployed : new String[] {"--json", "--deployed"}) {
            CliRunner.Result result = CliRunner.run("drift", "run", "sensors", "--retrain-input", file.toString(),
                    deployed, "--home", dir.resolve("home").toString());
            assertNotText(result, "--retrain-input", file, "a JSON file");
        }
    }

    @Test
    void aBinaryDefinitionOrInputFile_isRefusedBeforeAnExecutionStarts() throws Exception {
        Path file = binary();
        Path home = dir.resolve("home");
        assertNotText(CliRunner.run("executions", "start", "--definition", file.toString(), "--home", home.toString()),
                "--definition", file, "an Amazon States Language file (JSON)");
        Path definition = Files.writeString(dir.resolve("pass.asl.json"),
                "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}");
        assertNotText(CliRunner.run("executions", "start", "--definition", definition.toString(), "--input",
                "@" + file, "--home", home.toString()), "--input", file, "a JSON file");
        assertThat(home).as("nothing started, no home created").doesNotExist();
    }

    @Test
    void aBinaryPolicy_isRefusedBeforeAnythingIsScored() throws Exception {
        Path file = binary();
        Path data = Files.writeString(dir.resolve("rows.csv"), "x\n1\n");
        assertNotText(CliRunner.run("drift", "score", "m", "--data", data.toString(), "--policy", file.toString(),
                "--home", dir.toString()), "--policy", file, "a JSON file");
        assertNotText(CliRunner.run("drift", "run", "m", "--policy", file.toString(), "--home", dir.toString()),
                "--policy", file, "a JSON file");
    }
}
