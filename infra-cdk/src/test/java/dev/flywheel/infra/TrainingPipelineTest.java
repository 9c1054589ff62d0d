package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.Schedule;

/**
 * The pipeline with non-default triggers (a disabled cron schedule, a custom input); {@link FlywheelStackTest}
 * checks the defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingPipelineTest {

    private Stack stack;
    private PipelineFunctions functions;
    private TrainingPipeline pipeline;
    private Template template;

    @BeforeAll
    void synthesize() {
        stack = new Stack(new App(), "TrainingPipelineTest");
        DataStore dataStore = new DataStore(stack, "DataStore", DataStoreProps.builder().build());
        functions = new PipelineFunctions(stack, "Functions", PipelineFunctionsProps.builder()
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(TestFixtures.fakeModuleCode())
                .build());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("trigger", "schedule");
        input.put("dataset", "credit-g");
        pipeline = new TrainingPipeline(stack, "TrainingPipeline", TrainingPipelineProps.builder()
                .definition(TestFixtures.fixtureDefinition())
                .functions(functions.aliases())
                .schedule(Schedule.cron(CronOptions.builder().weekDay("SUN").hour("3").minute("0").build()))
                .scheduleEnabled(false)
                .scheduleInput(input)
                .build());
        template = Template.fromStack(stack);
    }

    @Test
    void stateMachine_isStandardAndLogsAllEventsWithTracing() {
        template.resourceCountIs("AWS::StepFunctions::StateMachine", 1);
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineType", "STANDARD",
                "TracingConfiguration", Map.of("Enabled", true),
                "LoggingConfiguration", Map.of(
                        "Level", "ALL",
                        "IncludeExecutionData", true,
                        "Destinations", List.of(Map.of("CloudWatchLogsLogGroup", Map.of(
                                "LogGroupArn", Map.of("Fn::GetAtt", List.of(
                                        Match.stringLikeRegexp("TrainingPipelineExecutionLogs.*"), "Arn"))))))));
    }

    @Test
    void stateMachine_bindsEveryFunctionPlaceholderToTheFunctionsLiveAlias() {
        Map<String, Object> substitutions = new LinkedHashMap<>();
        functions.aliases().forEach((name, alias) -> {
            Object aliasArn = stack.resolve(alias.getFunctionArn());
            assertThat(aliasArn.toString()).as("the alias ARN, not the function's").contains("LiveAlias");
            if (!name.equals("rollback") && !PipelineFunctions.specOf(name).module().equals("drift")) {
                substitutions.put(PipelineFunctions.specOf(name).placeholder(), aliasArn);
            }
        });
        assertThat(substitutions).containsOnlyKeys("IngestFunctionArn", "PreprocessFunctionArn",
                "TrainFunctionArn", "EvaluateFunctionArn", "RegisterFunctionArn", "PromoteFunctionArn",
                "RequestApprovalFunctionArn", "FailRunsFunctionArn");

        // exactly these eight: rollback and the drift monitor's steps, which the definition does not name, are not
        // bound
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "DefinitionString", TestFixtures.fixtureDefinition(),
                "DefinitionSubstitutions", Match.exact(substitutions)));
    }

    @Test
    void stateMachine_mayInvokeTheAliasesItsDefinitionNamesAndNothingElseInLambda() {
        List<Object> aliasArns = functions.aliases().entrySet().stream()
                .filter(alias -> !alias.getKey().equals("rollback") && !alias.getKey().startsWith("drift"))
                .map(alias -> stack.resolve(alias.getValue().getFunctionArn())).toList();
        assertThat(aliasArns).hasSize(8);
        Map<String, Map<String, Object>> policies = template.findResources("AWS::IAM::Policy", Map.of(
                "Properties", Map.of("Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(
                        "TrainingPipelineStateMachineRole.*"))))));
        assertThat(policies).hasSize(1);
        String document = policies.values().iterator().next().toString();
        for (Object aliasArn : aliasArns) {
            template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Map.of(
                            "Action", "lambda:InvokeFunction",
                            "Effect", "Allow",
                            "Resource", aliasArn))))));
        }
        assertThat(document.split("lambda:", -1)).hasSize(9); // eight InvokeFunction statements, no other action
        assertThat(document).doesNotContain("lambda:*", "states:", "FunctionsRollback");
    }

    @Test
    void scheduleRule_startsTheStateMachineWithTheConfiguredInputButCanBeDisabled() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "cron(0 3 ? * SUN *)",
                "State", "DISABLED",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", stack.resolve(pipeline.stateMachine().getStateMachineArn()),
                        "Input", "{\"trigger\":\"schedule\",\"dataset\":\"credit-g\"}",
                        "RoleArn", Match.anyValue())))));
    }

    @Test
    void theScheduleIsTheOnlyRule_driftRetrainingIsStartedByTheDriftMonitor() {
        template.resourceCountIs("AWS::Events::Rule", 1);
        assertThat(template.findResources("AWS::Events::Rule").toString()).doesNotContain("EventPattern");
    }

    @Test
    void rules_mayOnlyStartThisStateMachine() {
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("TrainingPipelineStateMachineEventsRole.*"))),
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", "states:StartExecution",
                        "Effect", "Allow",
                        "Resource", stack.resolve(pipeline.stateMachine().getStateMachineArn()))))));
    }

    @Test
    void invokedBy_keepsOnlyTheFunctionsWhosePlaceholderTheDefinitionUses() {
        assertThat(TrainingPipeline.invokedBy(TestFixtures.fixtureDefinition(), functions.aliases()))
                .containsOnlyKeys("ingest", "preprocess", "train", "evaluate", "register", "promote",
                        "requestApproval", "failRuns");
        assertThat(TrainingPipeline.invokedBy("{\"FunctionName\": \"${RollbackFunctionArn}\"}", functions.aliases()))
                .containsOnlyKeys("rollback");
    }

    @Test
    void definition_withAPlaceholderNobodyBindsFailsBeforeDeployment() {
        Map<String, String> bound = Map.of("IngestFunctionArn", "arn:ingest");

        assertThatCode(() -> TrainingPipeline.requireEveryPlaceholderBound(
                "{\"FunctionName\": \"${IngestFunctionArn}\"}", bound)).doesNotThrowAnyException();
        assertThatThrownBy(() -> TrainingPipeline.requireEveryPlaceholderBound(
                "{\"A\": \"${IngestFunctionArn}\", \"B\": \"${DriftFunctionArn}\"}", bound))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[DriftFunctionArn]");
    }
}
