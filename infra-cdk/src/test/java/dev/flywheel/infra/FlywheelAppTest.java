package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** How the app reads its settings, and that it deploys the project's real state machine definition. */
class FlywheelAppTest {

    private static final Path SHARED_DEFINITION = Path.of("..", "statemachines", "src", "main", "resources",
            "statemachines", "training-pipeline.asl.json");

    @Test
    void settings_defaultToADevStageTheProjectLayoutAndNoScheduledRunWithoutAnInput() {
        AppSettings settings = AppSettings.from(key -> null, Map.of());

        assertThat(settings.stage()).isEqualTo("dev");
        assertThat(settings.scheduleExpression()).isEqualTo("rate(7 days)");
        assertThat(settings.scheduleEnabled()).isFalse();
        assertThat(settings.scheduleInput()).isEmpty();
        assertThat(settings.tableDeletionProtection()).isTrue();
        assertThat(settings.nagEnabled()).isTrue();
        assertThat(settings.codeVersion()).isEmpty();
        assertThat(settings.definitionFile()).isEqualTo(SHARED_DEFINITION);
        assertThat(settings.functionsDir()).isEqualTo(Path.of("..", "functions"));
        assertThat(settings.account()).isNull();
    }

    @Test
    void settings_comeFromContextStringsOrCdkJsonValuesThenTheEnvironment() {
        Map<String, Object> context = Map.of(
                "stage", "prod",
                "schedule", "cron(0 3 ? * SUN *)",
                "scheduleInput", "{\"dataset\": \"credit-g\", \"candidates\": 4}",
                "tableDeletionProtection", false,
                "nag", "no");
        AppSettings settings = AppSettings.from(context::get, Map.of(
                "FLYWHEEL_STAGE", "ignored",
                "FLYWHEEL_CODE_VERSION", "0123abc",
                "CDK_DEFAULT_ACCOUNT", "123456789012",
                "CDK_DEFAULT_REGION", "eu-west-1"));

        assertThat(settings.stage()).isEqualTo("prod");
        assertThat(settings.scheduleExpression()).isEqualTo("cron(0 3 ? * SUN *)");
        assertThat(settings.scheduleEnabled()).isTrue();
        assertThat(settings.scheduleInput()).containsExactly(Map.entry("dataset", "credit-g"),
                Map.entry("candidates", 4));
        assertThat(settings.tableDeletionProtection()).isFalse();
        assertThat(settings.nagEnabled()).isFalse();
        assertThat(settings.codeVersion()).isEqualTo("0123abc");
        assertThat(settings.account()).isEqualTo("123456789012");
        assertThat(settings.region()).isEqualTo("eu-west-1");
        assertThat(AppSettings.from(key -> null, Map.of("FLYWHEEL_STAGE", "qa")).stage()).isEqualTo("qa");
    }

    @Test
    void settings_scheduleOffKeepsTheRuleButDisablesIt() {
        Map<String, Object> context = Map.of("schedule", "off", "scheduleInput", "{\"model\": \"credit-risk\"}");
        AppSettings settings = AppSettings.from(context::get, Map.of());

        assertThat(settings.scheduleEnabled()).isFalse();
        assertThat(settings.scheduleExpression()).isEqualTo("rate(7 days)");
    }

    @Test
    void settings_rejectValuesThatCannotBeDeployed() {
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("schedule") ? "weekly" : null, Map.of()))
                .hasMessageContaining("rate(...) or cron(...)");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("scheduleInput") ? "[1, 2]" : null, Map.of()))
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("scheduleInput") ? "{oops" : null, Map.of()))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("scheduleEnabled") ? "true" : null, Map.of()))
                .hasMessageContaining("scheduled retraining needs the pipeline input");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("nag") ? "maybe" : null, Map.of()))
                .hasMessageContaining("'nag' must be true or false");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("driftRetraining") ? "false" : null, Map.of()))
                .hasMessageContaining("'driftRetraining' is gone").hasMessageContaining("\"retrain\" section");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("stage") ? "PROD" : null, Map.of()))
                .as("no silent lower-casing into prod").hasMessageContaining("got 'PROD'");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("monitorInput") ? "{\"model\": " : null, Map.of()))
                .hasMessageContaining("'monitorInput' is not valid JSON");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("monitorInput") ? "[1, 2]" : null, Map.of()))
                .hasMessageContaining("'monitorInput' must be a JSON object");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("monitorInput") ? "{\"modl\": \"x\"}" : null,
                Map.of())).hasMessageContaining("'monitorInput' needs \"model\"");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("monitorInput")
                ? "{\"model\": \"m\", \"retrain\": {\"model\": \"m\"}}" : null, Map.of()))
                .hasMessageContaining("\"pipelineInput\"");
        assertThatThrownBy(() -> AppSettings.from(key -> key.equals("alarmEmail") ? "not-an-email" : null, Map.of()))
                .hasMessageContaining("'alarmEmail' must be an e-mail address");
        assertThatThrownBy(() -> FlywheelStackProps.builder().stage("prod_eu").definition("{}").build())
                .hasMessageContaining("stage must be");
    }

    @Test
    void settings_deployTheShadedLambdaJarRatherThanTheThinOne(@TempDir Path functionsDir) throws IOException {
        Path target = Files.createDirectories(functionsDir.resolve("train").resolve("target"));
        Files.writeString(target.resolve("flywheel-train-function-0.1.0-SNAPSHOT.jar"), "thin");
        Files.writeString(target.resolve("flywheel-train-function-0.1.0-SNAPSHOT-lambda.jar"), "shaded");
        AppSettings settings = AppSettings.from(key -> key.equals("functionsDir") ? functionsDir.toString() : null,
                Map.of());

        assertThat(settings.jarOf("train"))
                .isEqualTo(target.resolve("flywheel-train-function-0.1.0-SNAPSHOT-lambda.jar"));
        assertThat(settings.jarOf("ingest")).isEqualTo(functionsDir.resolve(Path.of(
                "ingest", "target", "flywheel-ingest-function.jar")));
    }

    @Test
    void create_saysHowToBuildTheJarsWhenTheyAreMissing(@TempDir Path emptyFunctionsDir) {
        AppSettings settings = AppSettings.from(key -> key.equals("functionsDir")
                ? emptyFunctionsDir.toString() : null, Map.of());

        assertThatThrownBy(() -> FlywheelApp.create(new App(), settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flywheel-ingest-function.jar")
                .hasMessageContaining("mvn -B package");
    }

    @Test
    void functionSpecs_nameHandlerClassesThatTheBuiltModuleJarsContain() throws IOException {
        AppSettings settings = AppSettings.from(key -> null, Map.of());
        for (String module : FlywheelStack.MODULES) {
            Path jar = settings.jarOf(module);
            assumeThat(jar).as("built by mvn package -pl functions/" + module).exists();
            try (JarFile contents = new JarFile(jar.toFile())) {
                for (FunctionSpec spec : PipelineFunctions.FUNCTIONS) {
                    if (spec.module().equals(module)) {
                        assertThat(contents.getEntry(spec.handlerClass().replace('.', '/') + ".class"))
                                .as(spec.name() + "'s handler in " + jar).isNotNull();
                    }
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void create_deploysTheSharedTrainingPipelineDefinition(@TempDir Path functionsDir) throws IOException {
        assumeThat(SHARED_DEFINITION).as("the shared definition is written by the statemachines module").exists();
        for (String module : FlywheelStack.MODULES) {
            Path jar = functionsDir.resolve(module).resolve("target").resolve("flywheel-" + module + "-function.jar");
            Files.createDirectories(jar.getParent());
            Files.writeString(jar, "stand-in");
        }
        App app = new App();
        FlywheelStack stack = FlywheelApp.create(app, AppSettings.from(
                key -> key.equals("functionsDir") ? functionsDir.toString() : null, Map.of()));

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "DefinitionString", TestFixtures.read(SHARED_DEFINITION),
                "DefinitionSubstitutions", Match.objectLike(Map.of(
                        "TrainFunctionArn", stack.resolve(stack.functions().aliases().get("train").getFunctionArn())))));
        Map<String, Object> stateMachine = template.findResources("AWS::StepFunctions::StateMachine").values()
                .iterator().next();
        Map<String, Object> substitutions = (Map<String, Object>) ((Map<String, Object>) stateMachine
                .get("Properties")).get("DefinitionSubstitutions");
        assertThat(substitutions).as("every placeholder of the shared definition, and only those")
                .containsOnlyKeys("IngestFunctionArn", "PreprocessFunctionArn", "TrainFunctionArn",
                        "EvaluateFunctionArn", "RegisterFunctionArn", "PromoteFunctionArn",
                        "RequestApprovalFunctionArn", "FailRunsFunctionArn");
        substitutions.forEach((placeholder, arn) -> assertThat(TestFixtures.read(SHARED_DEFINITION))
                .contains("${" + placeholder + "}"));
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .isEqualTo(List.of());
        // no scheduleInput given: the weekly rule is deployed disabled, and synth says why
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(7 days)", "State", "DISABLED"));
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp(".*scheduleInput.*")))
                .hasSize(1);
    }
}
