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

    private static Path codeDir;

    private TestFixtures() {
    }

    /** A directory asset per pipeline function, so tests need no built jars. */
    static Map<String, Code> fakeFunctionCode() {
        Map<String, Code> code = new LinkedHashMap<>();
        for (String name : PipelineFunctions.NAMES) {
            code.put(name, Code.fromAsset(codeDir().toString()));
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

    private static synchronized Path codeDir() {
        if (codeDir == null) {
            try {
                codeDir = Files.createTempDirectory("flywheel-fake-function");
                Files.writeString(codeDir.resolve("README.txt"), "stand-in for a function jar in CDK tests\n");
                codeDir.toFile().deleteOnExit();
                codeDir.resolve("README.txt").toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return codeDir;
    }
}
