package dev.flywheel.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.IConstruct;

/** What the construct tests share: stand-in function code and the fixture state machine definition. */
final class TestFixtures {

    static final Path FIXTURE_DEFINITION = Path.of("src", "test", "resources", "statemachines",
            "training-pipeline-fixture.asl.json");

    private static final Map<String, Path> CODE_DIRS = new LinkedHashMap<>();

    private TestFixtures() {
    }

    /**
     * A directory asset per function module, so tests need no built jars; each module's content differs, so their
     * asset hashes (S3 keys) do too, as real jars' would.
     */
    static Map<String, Code> fakeModuleCode() {
        Map<String, Code> code = new LinkedHashMap<>();
        for (String module : PipelineFunctions.MODULES) {
            code.put(module, Code.fromAsset(codeDir(module).toString()));
        }
        return code;
    }

    /** The logical ID of {@code construct}'s CloudFormation resource in {@code stack}'s template. */
    static String logicalId(Stack stack, IConstruct construct) {
        return (String) stack.resolve(((CfnElement) construct.getNode().getDefaultChild()).getLogicalId());
    }

    static String fixtureDefinition() {
        return read(FIXTURE_DEFINITION);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path codeDir(String module) {
        return CODE_DIRS.computeIfAbsent(module, m -> {
            try {
                Path dir = Files.createTempDirectory("flywheel-fake-" + m + "-function");
                Files.writeString(dir.resolve("README.txt"), "stand-in for the " + m + " function jar in CDK tests\n");
                dir.toFile().deleteOnExit();
                dir.resolve("README.txt").toFile().deleteOnExit();
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
