package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * The whole stack as {@link FlywheelApp} builds it for {@code cdk deploy} (stand-in jars, the fixture definition,
 * default triggers), with the cdk-nag AwsSolutions checks the app applies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlywheelStackTest {

    private static final String SCHEDULE_INPUT =
            "{\"model\":\"credit-risk\",\"ingest\":{\"dataset\":\"credit-g\",\"target\":\"class\"}}";

    private static final String MONITOR_INPUT = "{\"model\":\"credit-risk\",\"windowHours\":24}";

    private App app;
    private FlywheelStack stack;
    private Template template;

    @BeforeAll
    void synthesize(@TempDir Path functionsDir) throws IOException {
        TestFixtures.standInJars(functionsDir);
        app = new App();
        stack = FlywheelApp.create(app, AppSettings.from(key -> switch (key) {
            case "stage" -> "test";
            case "functionsDir" -> functionsDir.toString();
            case "definitionFile" -> TestFixtures.FIXTURE_DEFINITION.toString();
            case "scheduleInput" -> SCHEDULE_INPUT;
            case "monitorInput" -> MONITOR_INPUT;
            default -> null;
        }, Map.of()));
        template = Template.fromStack(stack);
    }

    @Test
    void cdkNag_findsNoUnsuppressedAwsSolutionsErrorsOrWarnings() {
        List<SynthesisMessage> errors = Annotations.fromStack(stack)
                .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        List<SynthesisMessage> warnings = Annotations.fromStack(stack)
                .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));

        assertThat(errors).extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
        assertThat(warnings).extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
    }

    @Test
    void cdkNag_ranAndSuppressedOnlyTheJustifiedFindings() throws IOException {
        Path report = Path.of(app.getOutdir(), "AwsSolutions-" + stack.getStackName() + "-NagReport.csv");
        List<String> lines = Files.readAllLines(report);
        assertThat(lines).as("the rules cdk-nag evaluated").anyMatch(line -> line.contains("Compliant"));

        Set<String> suppressedRules = lines.stream()
                .filter(line -> line.contains("\"Suppressed\""))
                .map(line -> line.substring(1, line.indexOf('"', 1)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(suppressedRules).containsExactly("AwsSolutions-APIG3", "AwsSolutions-COG4", "AwsSolutions-IAM4",
                "AwsSolutions-IAM5", "AwsSolutions-L1");
        assertThat(lines).noneMatch(line -> line.contains("\"Non-Compliant\""));
    }

    @Test
    @SuppressWarnings("unchecked")
    void cdkNag_everySuppressionGivesAReason() {
        List<Map<String, Object>> suppressions = new ArrayList<>();
        template.toJSON().entrySet().stream()
                .filter(e -> e.getKey().equals("Resources"))
                .flatMap(e -> ((Map<String, Map<String, Object>>) e.getValue()).values().stream())
                .map(resource -> (Map<String, Object>) resource.get("Metadata"))
                .filter(metadata -> metadata != null && metadata.containsKey("cdk_nag"))
                .forEach(metadata -> suppressions.addAll((List<Map<String, Object>>)
                        ((Map<String, Object>) metadata.get("cdk_nag")).get("rules_to_suppress")));

        assertThat(suppressions).isNotEmpty().allSatisfy(suppression -> {
            assertThat((String) suppression.get("reason")).hasSizeGreaterThan(60);
            if ("AwsSolutions-IAM5".equals(suppression.get("id"))) {
                assertThat(suppression).as("IAM5 suppressions name the wildcards they accept")
                        .containsKey("applies_to");
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void cdkNag_theRegisterModulesRolesAcceptOnlyXraysWildcard() {
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) template.toJSON()
                .get("Resources");
        for (FunctionSpec spec : PipelineFunctions.FUNCTIONS) {
            List<Object> appliesTo = new ArrayList<>();
            resources.forEach((logicalId, resource) -> {
                Map<String, Object> metadata = (Map<String, Object>) resource.get("Metadata");
                if (logicalId.startsWith("Functions" + spec.title() + "Role") && metadata != null
                        && metadata.containsKey("cdk_nag")) {
                    for (Map<String, Object> rule : (List<Map<String, Object>>)
                            ((Map<String, Object>) metadata.get("cdk_nag")).get("rules_to_suppress")) {
                        if ("AwsSolutions-IAM5".equals(rule.get("id"))) {
                            appliesTo.addAll((List<Object>) rule.get("applies_to"));
                        }
                    }
                }
            });
            assertThat(appliesTo).as(spec.name() + "'s role and its policy").isNotEmpty();
            if (spec.artifactBucket()) {
                assertThat(appliesTo.toString()).as(spec.name()).contains("Resource::*", "s3:", ".Arn>/");
            } else {
                assertThat(appliesTo).as(spec.name()).containsOnly("Resource::*");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void stack_uploadsEachModulesJarOnceForAllItsFunctions() {
        Map<String, Object> keyByHandler = new LinkedHashMap<>();
        template.findResources("AWS::Lambda::Function").values().forEach(function -> {
            Map<String, Object> properties = (Map<String, Object>) function.get("Properties");
            keyByHandler.put((String) properties.get("Handler"),
                    ((Map<String, Object>) properties.get("Code")).get("S3Key"));
        });
        assertThat(new HashSet<>(keyByHandler.values())).hasSize(FlywheelStack.MODULES.size());
        assertThat(PipelineFunctions.FUNCTIONS.stream().filter(spec -> spec.module().equals("register"))
                .map(spec -> keyByHandler.get(spec.handler())).distinct().toList()).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void stack_composesTheDataStoreFunctionsAndPipeline() {
        assertThat(stack.getStackName()).isEqualTo("Flywheel-test");
        template.resourceCountIs("AWS::S3::Bucket", 2);
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.resourceCountIs("AWS::Lambda::Function", 15);
        template.resourceCountIs("AWS::Lambda::Alias", 15);
        template.resourceCountIs("AWS::StepFunctions::StateMachine", 2);
        template.resourceCountIs("AWS::Events::Rule", 2);
        template.resourceCountIs("AWS::CloudWatch::Alarm", 7);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        template.resourceCountIs("AWS::SNS::Topic", 0);
        template.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        template.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 1);
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("DeletionProtectionEnabled", true));
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineName", "flywheel-test-training"));
        template.hasResource("AWS::Logs::LogGroup", Map.of(
                "Properties", Match.objectLike(Map.of(
                        "LogGroupName", "/aws/vendedlogs/states/flywheel-test-training")),
                "DeletionPolicy", "Delete"));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Tags", Match.arrayWith(List.of(Map.of("Key", "flywheel:stage", "Value", "test")))));
        java.util.SortedMap<String, Integer> counts = new java.util.TreeMap<>();
        ((Map<String, Map<String, Object>>) template.toJSON().get("Resources")).values()
                .forEach(r -> counts.merge((String) r.get("Type"), 1, Integer::sum));
        System.out.println("Flywheel-test resources by type: " + counts);
        assertThat(template.findOutputs("*").keySet()).containsExactlyInAnyOrder("ArtifactBucketName",
                "MetadataTableName", "TrainingStateMachineArn", "DriftMonitorStateMachineArn", "ApiUrl",
                "RollbackFunctionArn");
        template.hasOutput("ArtifactBucketName", Match.anyValue());
        template.hasOutput("MetadataTableName", Match.anyValue());
        template.hasOutput("TrainingStateMachineArn", Map.of(
                "Value", stack.resolve(stack.trainingPipeline().stateMachine().getStateMachineArn())));
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineName", "flywheel-test-drift-monitor"));
        template.hasOutput("DriftMonitorStateMachineArn", Map.of(
                "Value", stack.resolve(stack.driftMonitor().stateMachine().getStateMachineArn())));
        template.hasOutput("RollbackFunctionArn", Map.of(
                "Value", stack.resolve(stack.functions().aliases().get("rollback").getFunctionArn())));
    }

    @Test
    void stack_retrainsWeeklyWithTheGivenInput_andHasNoDriftEventRule() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(7 days)",
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of("Input", SCHEDULE_INPUT)))));
        assertThat(template.findResources("AWS::Events::Rule").toString()).doesNotContain("EventPattern");
    }

    @Test
    @SuppressWarnings("unchecked")
    void driftMonitor_runsTheSharedDefinitionDaily_boundToItsFunctionsAndTheTrainingPipeline_withScopedGrants() {
        String id = TestFixtures.logicalId(stack, stack.driftMonitor().stateMachine());
        Map<String, Object> resource = (Map<String, Object>) template.toJSON().get("Resources");
        Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) resource.get(id)).get("Properties");
        Map<String, Object> substitutions = (Map<String, Object>) properties.get("DefinitionSubstitutions");
        assertThat(substitutions).containsOnlyKeys("DriftPlanFunctionArn", "DriftProfileFunctionArn",
                "DriftScoreFunctionArn", "DriftDecideFunctionArn", "DriftOutcomeFunctionArn", "TrainingPipelineArn",
                "ArtifactBucket");
        assertThat(stack.resolve(substitutions.get("TrainingPipelineArn")))
                .isEqualTo(stack.resolve(stack.trainingPipeline().stateMachine().getStateMachineArn()));
        assertThat(properties.get("DefinitionString").toString())
                .isEqualTo(TestFixtures.read(AppSettings.DEFAULT_DRIFT_DEFINITION));

        // the daily schedule with the monitor's input, and the alarm on failed executions
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(1 day)",
                "State", "ENABLED",
                "Targets", Match.arrayWith(List.of(Match.objectLike(Map.of("Input", MONITOR_INPUT))))));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ExecutionsFailed", "Namespace", "AWS/States", "Threshold", 1));

        // its role: start the training pipeline, follow it through the managed rule, read run manifests only
        String policy = template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("DriftMonitorStateMachineRole"))
                .map(e -> e.getValue().toString()).findFirst().orElseThrow();
        assertThat(policy).contains("states:StartExecution", "StepFunctionsGetEventsForStepFunctionsExecutionRule",
                "/drift/*", "lambda:InvokeFunction").doesNotContain("s3:PutObject", "s3:DeleteObject");
    }

    @Test
    void serving_theInferenceFunctionBehindAnIamAuthorisedRestApi_rolledOutByACanaryThatAlarmsRollBack() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", ServingApi.HANDLER, "Runtime", "java21", "MemorySize", 2048,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        // exactly the routes of docs/openapi.json, every one signed with IAM and validated
        List<String> routes = ServingApi.routes(readJson(Path.of("..", "docs", "openapi.json")));
        assertThat(routes).hasSize(12).contains("POST /models/{name}/predict", "GET /v2/health/live");
        Map<String, Map<String, Object>> methods = template.findResources("AWS::ApiGateway::Method");
        assertThat(methods).hasSize(routes.size());
        methods.values().forEach(method -> assertThat(method.toString())
                .contains("AuthorizationType=AWS_IAM", "RequestValidatorId", "Type=AWS_PROXY"));
        template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "v1", "TracingEnabled", true,
                "AccessLogSetting", Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
                "MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100))))));
        template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", Map.of(
                "DeploymentConfigName", "CodeDeployDefault.LambdaCanary10Percent5Minutes",
                "AlarmConfiguration", Match.objectLike(Map.of("Enabled", true)),
                "AutoRollbackConfiguration", Match.objectLike(Map.of("Enabled", true))));
        assertThat(template.findResources("AWS::CodeDeploy::DeploymentGroup").toString())
                .contains("ServingErrorsAlarm", "ServingLatencyAlarm");
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Duration", "ExtendedStatistic", "p99", "Threshold", ServingApi.P99_MILLIS));
        // the function's grants: model packages read, captures and feedback written, nothing else in S3
        String policy = template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("ServingInferenceRole"))
                .map(e -> e.getValue().toString()).findFirst().orElseThrow();
        assertThat(policy).contains("/models/*", "/captures/*", "/feedback/*", "dynamodb:GetItem", "dynamodb:Query")
                .doesNotContain("s3:DeleteObject", "dynamodb:PutItem");
        template.hasOutput("ApiUrl", Match.anyValue());
    }

    @Test
    void monitoring_alarmsOnFailedTrainingDriftAndTheApi_andOneDashboardOfTheLoop() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "Flywheel/Drift", "MetricName", "DriftDetected", "Threshold", 1));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApiGateway", "MetricName", "5XXError"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApiGateway", "MetricName", "Latency", "ExtendedStatistic", "p99"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/States", "MetricName", "ExecutionsFailed",
                "Dimensions", List.of(Map.of("Name", "StateMachineArn",
                        "Value", stack.resolve(stack.trainingPipeline().stateMachine().getStateMachineArn())))));
        String body = template.findResources("AWS::CloudWatch::Dashboard").values().iterator().next().toString();
        assertThat(body).contains("Training executions", "Drift monitor executions", "Drift detected",
                "Inference API latency", "Inference function", "Alarms");
        template.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "flywheel-test"));
    }

    @Test
    void prod_keepsLogsAYear_requiresApproval_andNotifiesTheAlarmAddress(@TempDir Path functionsDir) throws IOException {
        TestFixtures.standInJars(functionsDir);
        FlywheelStack prod = FlywheelApp.create(new App(), AppSettings.from(key -> switch (key) {
            case "stage" -> "prod";
            case "functionsDir" -> functionsDir.toString();
            case "definitionFile" -> TestFixtures.FIXTURE_DEFINITION.toString();
            case "scheduleInput" -> SCHEDULE_INPUT;
            case "monitorInput" -> "{\"model\":\"credit-risk\",\"retrain\":{\"pipelineInput\":{\"model\":\"credit-risk\"}}}";
            case "alarmEmail" -> "ops@example.com";
            case "nag" -> "false";
            default -> null;
        }, Map.of()));
        Template t = Template.fromStack(prod);
        t.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 365));
        assertThat(t.findResources("AWS::Logs::LogGroup", Map.of("Properties", Map.of("RetentionInDays", 30))))
                .isEmpty();
        String rules = t.findResources("AWS::Events::Rule").toString();
        assertThat(rules).as("scheduled and drift-triggered runs wait for approval").contains(
                "\"requireApproval\":true}", "\"pipelineInput\":{\"model\":\"credit-risk\",\"requireApproval\":true}");
        t.resourceCountIs("AWS::SNS::Topic", 1);
        t.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com"));
        assertThat(t.findResources("AWS::CloudWatch::Alarm").values()).hasSize(7)
                .allSatisfy(alarm -> assertThat(alarm.toString()).contains("AlarmActions"));
        assertThat(template.findResources("AWS::Events::Rule").toString()).doesNotContain("requireApproval");
    }

    @Test
    void apiKeys_synthesiseWithNoUnsuppressedNagFinding_andWarnThatKeysAreNotAuthorisation(@TempDir Path functionsDir)
            throws IOException {
        TestFixtures.standInJars(functionsDir);
        FlywheelStack keyed = FlywheelApp.create(new App(), AppSettings.from(key -> switch (key) {
            case "stage" -> "keyed";
            case "functionsDir" -> functionsDir.toString();
            case "definitionFile" -> TestFixtures.FIXTURE_DEFINITION.toString();
            case "apiKeys" -> "true";
            default -> null;
        }, Map.of()));
        Template t = Template.fromStack(keyed);
        assertThat(Annotations.fromStack(keyed).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
        assertThat(Annotations.fromStack(keyed).findWarning("*", Match.stringLikeRegexp(".*instead of IAM.*")))
                .hasSize(1);
        t.resourceCountIs("AWS::ApiGateway::UsagePlan", 1);
        t.hasOutput("ApiKeyId", Match.anyValue());
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp(".*instead of IAM.*")))
                .as("the default (IAM) does not warn").isEmpty();
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(Path file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
