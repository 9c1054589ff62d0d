package dev.flywheel.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The CDK app behind {@code cdk synth} and {@code cdk deploy} (see {@code cdk.json} and {@code docs/deploy.md}):
 * one {@link FlywheelStack} for the stage named in the context, from the function jars that {@code mvn package}
 * built and the shared state machine definition. With the cdk-nag AwsSolutions checks on (the default), any
 * unsuppressed finding fails {@code cdk synth}.
 */
public final class FlywheelApp {

    private FlywheelApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            create(app, AppSettings.from(app.getNode()::tryGetContext, System.getenv()));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            // A setting or a missing file: the message says what to change; a stack trace would bury it.
            System.err.println("Flywheel: " + e.getMessage());
            System.err.println("Flywheel: nothing was synthesised (docs/deploy.md lists the context parameters)");
            System.exit(2);
        }
        app.synth();
    }

    /** Adds the stack that {@code settings} describe to {@code app}, with the nag checks if enabled. */
    public static FlywheelStack create(App app, AppSettings settings) {
        FlywheelStackProps props = FlywheelStackProps.builder()
                .stage(settings.stage())
                .env(settings.account() == null && settings.region() == null ? null : Environment.builder()
                        .account(settings.account())
                        .region(settings.region())
                        .build())
                .moduleCode(moduleCode(settings))
                .codeVersion(settings.codeVersion())
                .definition(readDefinition(settings.definitionFile()))
                .dataStore(DataStoreProps.builder()
                        .tableDeletionProtection(settings.tableDeletionProtection())
                        .build())
                .schedule(Schedule.expression(settings.scheduleExpression()))
                .scheduleEnabled(settings.scheduleEnabled())
                .scheduleInput(settings.scheduleInput())
                .driftDefinition(readDefinition(settings.driftDefinitionFile()))
                .monitorInput(settings.monitorInput())
                .routes(routes(settings.openApiFile()))
                .apiKeys(settings.apiKeys())
                .alarmEmail(settings.alarmEmail())
                .build();
        FlywheelStack stack = new FlywheelStack(app, props.stackName(), props);
        if (!settings.scheduleEnabled()) {
            Annotations.of(stack.trainingPipeline().scheduleRule()).addWarningV2("flywheel:scheduleDisabled",
                    "Scheduled retraining is deployed disabled: give it the pipeline input with "
                            + "-c scheduleInput='{\"model\": ..., \"ingest\": {...}}' (see docs/deploy.md)");
        }
        if (settings.monitorInput().isEmpty()) {
            Annotations.of(stack.driftMonitor().scheduleRule()).addWarningV2("flywheel:monitorDisabled",
                    "The daily drift monitor is deployed disabled: give it the model to watch with "
                            + "-c monitorInput='{\"model\": ..., \"retrain\": {\"pipelineInput\": {...}}}' "
                            + "(see docs/monitoring.md)");
        }
        if (settings.nagEnabled()) {
            Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        }
        return stack;
    }

    /** One asset per module jar: the functions that run the same module share it. */
    private static Map<String, Code> moduleCode(AppSettings settings) {
        List<Path> missing = FlywheelStack.MODULES.stream().map(settings::jarOf)
                .filter(jar -> !Files.isRegularFile(jar)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("function jar(s) not found: " + missing + " (nor a shaded "
                    + "flywheel-<module>-function-<version>-lambda.jar beside them). Build them first from the "
                    + "project root: mvn -B package -DskipTests (or point -c functionsDir=... at another folder)");
        }
        Map<String, Code> code = new LinkedHashMap<>();
        for (String module : FlywheelStack.MODULES) {
            Path jar = settings.jarOf(module);
            List<String> functions = PipelineFunctions.FUNCTIONS.stream()
                    .filter(spec -> spec.module().equals(module)).map(FunctionSpec::name).toList();
            String usedBy = module.equals(ServingApi.MODULE) ? " for the inference API"
                    : functions.equals(List.of(module)) ? "" : " for functions " + String.join(", ", functions);
            System.err.println("Flywheel: " + module + " module from " + jar + usedBy);
            code.put(module, Code.fromAsset(jar.toString()));
        }
        return code;
    }

    /** The inference API's routes from the OpenAPI document the function serves. */
    private static List<String> routes(Path openApi) {
        try {
            return ServingApi.routes(new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(openApi)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the inference API's OpenAPI document " + openApi.toAbsolutePath()
                    + " (set -c openApiFile=...)", e);
        }
    }

    private static String readDefinition(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state machine definition " + file.toAbsolutePath()
                    + " (set -c definitionFile=...)", e);
        }
    }
}
