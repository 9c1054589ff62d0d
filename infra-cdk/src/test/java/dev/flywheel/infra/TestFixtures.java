package dev.flywheel.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

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
            code.put(module, fakeCode(module));
        }
        return code;
    }

    /** A stand-in jar of every function module under {@code functionsDir}, where the app looks for the built ones. */
    static void standInJars(Path functionsDir) throws IOException {
        for (String module : FlywheelStack.MODULES) {
            Path jar = functionsDir.resolve(module).resolve("target").resolve("flywheel-" + module + "-function.jar");
            Files.createDirectories(jar.getParent());
            Files.writeString(jar, "stand-in for the shaded jar of " + module);
        }
    }

    /** Stand-in code of one function module (such as {@link ServingApi#MODULE}). */
    static Code fakeCode(String module) {
        return Code.fromAsset(codeDir(module).toString());
    }

    /** The inference API's routes, from docs/openapi.json as the app reads them. */
    static List<String> openApiRoutes() {
        try {
            return ServingApi.routes(new ObjectMapper().readTree(read(Path.of("..", "docs", "openapi.json"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the serving, drift and monitoring constructs are built on in their own tests: the data store, the
     * functions (stand-in code) and the training pipeline (the fixture definition, default triggers).
     */
    record Loop(Stack stack, DataStore dataStore, PipelineFunctions functions, TrainingPipeline training) {
        static Loop in(Stack stack) {
            DataStore dataStore = new DataStore(stack, "DataStore", DataStoreProps.builder().build());
            PipelineFunctions functions = new PipelineFunctions(stack, "Functions", PipelineFunctionsProps.builder()
                    .bucket(dataStore.artifactBucket())
                    .table(dataStore.metadataTable())
                    .code(fakeModuleCode())
                    .build());
            TrainingPipeline training = new TrainingPipeline(stack, "TrainingPipeline", TrainingPipelineProps.builder()
                    .definition(fixtureDefinition())
                    .functions(functions.aliases())
                    .build());
            return new Loop(stack, dataStore, functions, training);
        }

        /** A drift monitor over this loop, with the shared definition; the rest as the test sets it. */
        DriftMonitorProps.Builder driftMonitor(String stateMachineName) {
            return DriftMonitorProps.builder()
                    .definition(read(AppSettings.DEFAULT_DRIFT_DEFINITION))
                    .functions(functions.aliases())
                    .trainingPipeline(training.stateMachine())
                    .bucket(dataStore.artifactBucket())
                    .stateMachineName(stateMachineName);
        }

        /** The inference API over this loop's stores, with docs/openapi.json's routes. */
        ServingApiProps.Builder serving(String apiName) {
            return ServingApiProps.builder()
                    .code(fakeCode(ServingApi.MODULE))
                    .bucket(dataStore.artifactBucket())
                    .table(dataStore.metadataTable())
                    .routes(openApiRoutes())
                    .apiName(apiName);
        }
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
