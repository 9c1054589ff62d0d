package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The serving construct alone, with its options turned the other way from the app's defaults (API keys instead of
 * IAM, all-at-once rollout, other throttling); {@link FlywheelStackTest} checks the defaults in the whole stack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingApiTest {

    private Stack stack;
    private ServingApi serving;
    private Template template;

    @BeforeAll
    void synthesize() {
        stack = new Stack(new App(), "ServingApiTest");
        TestFixtures.Loop loop = TestFixtures.Loop.in(stack);
        serving = new ServingApi(stack, "Serving", loop.serving("test-inference")
                .apiKeys(true)
                .canary(false)
                .throttling(5, 10)
                .logLevel("DEBUG")
                .codeVersion("0123abc")
                .build());
        template = Template.fromStack(stack);
    }

    @Test
    void function_isJava21WithSnapStartALiveAliasAndItsSettings() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", ServingApi.HANDLER,
                "Runtime", "java21",
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "FLYWHEEL_MODE", "aws",
                        "FLYWHEEL_CODE_VERSION", "0123abc")))));
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionName", stack.resolve(serving.alias().getVersion().getLambda().getFunctionName())));
    }

    @Test
    void apiKeys_replaceIamOnEveryRoute_withAKeyAndAUsagePlanOnTheStage() {
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of("Name", "test-inference"));
        Map<String, Map<String, Object>> methods = template.findResources("AWS::ApiGateway::Method");
        assertThat(methods).hasSize(TestFixtures.openApiRoutes().size());
        methods.values().forEach(method -> assertThat(method.toString())
                .contains("AuthorizationType=NONE", "ApiKeyRequired=true", "RequestValidatorId")
                .doesNotContain("AWS_IAM"));
        template.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
        template.resourceCountIs("AWS::ApiGateway::UsagePlan", 1);
        template.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 1);
        template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "v1",
                "MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "ThrottlingRateLimit", 5, "ThrottlingBurstLimit", 10))))));
    }

    @Test
    void rollout_allAtOnce_stillRollsBackOnTheAlarms() {
        template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", Map.of(
                "DeploymentConfigName", "CodeDeployDefault.LambdaAllAtOnce",
                "AlarmConfiguration", Match.objectLike(Map.of("Enabled", true)),
                "AutoRollbackConfiguration", Match.objectLike(Map.of("Enabled", true))));
        assertThat(serving.alarms()).hasSize(2);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors", "Threshold", Match.anyValue()));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Duration", "ExtendedStatistic", "p99", "Threshold", ServingApi.P99_MILLIS));
    }

    @Test
    void props_refuseAnApiWithNoRoutesOrNoThrottle() {
        TestFixtures.Loop loop = TestFixtures.Loop.in(new Stack(new App(), "Refused"));
        assertThatThrownBy(() -> loop.serving("x").routes(List.of()).build())
                .hasMessageContaining("at least one route");
        assertThatThrownBy(() -> loop.serving("x").throttling(0, 10).build())
                .hasMessageContaining("rate above 0");
        assertThatThrownBy(() -> loop.serving(null).build()).hasMessageContaining("apiName");
    }
}
