package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.Schedule;

/**
 * The drift monitor construct alone, with no monitor input (its schedule deployed disabled) and another schedule;
 * {@link FlywheelStackTest} checks it as the app deploys it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftMonitorTest {

    private Stack stack;
    private DriftMonitor monitor;
    private Template template;

    @BeforeAll
    void synthesize() {
        stack = new Stack(new App(), "DriftMonitorTest");
        TestFixtures.Loop loop = TestFixtures.Loop.in(stack);
        monitor = new DriftMonitor(stack, "DriftMonitor", loop.driftMonitor("test-drift-monitor")
                .schedule(Schedule.rate(Duration.hours(6)))
                .scheduleEnabled(false)
                .build());
        template = Template.fromStack(stack);
    }

    @Test
    void stateMachine_isNamedLogsToItsVendedLogGroupAndTraces() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineName", "test-drift-monitor",
                "StateMachineType", "STANDARD",
                "TracingConfiguration", Map.of("Enabled", true)));
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/vendedlogs/states/test-drift-monitor"));
    }

    @Test
    void schedule_withoutAnInput_isDeployedDisabled_withAPlaceholderModel() {
        String rules = template.findResources("AWS::Events::Rule").toString();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(6 hours)",
                "State", "DISABLED",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", stack.resolve(monitor.stateMachine().getStateMachineArn()),
                        "Input", "{\"model\":\"REPLACE-ME\"}")))));
        assertThat(rules).doesNotContain("EventPattern");
    }

    @Test
    void failedAlarm_watchesThisStateMachine() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/States", "MetricName", "ExecutionsFailed", "Threshold", 1,
                "Dimensions", List.of(Map.of("Name", "StateMachineArn",
                        "Value", stack.resolve(monitor.stateMachine().getStateMachineArn())))));
        assertThat(monitor.failedAlarm()).isNotNull();
    }

    @Test
    void role_mayNotWriteTheBucketOrInvokeTheTrainingFunctions() {
        String id = TestFixtures.logicalId(stack, ((software.amazon.awscdk.services.stepfunctions.StateMachine) monitor.stateMachine()).getRole());
        String policy = template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getValue().toString().contains("Ref=" + id))
                .map(e -> e.getValue().toString()).findFirst().orElseThrow();
        assertThat(policy).contains("states:StartExecution", "/drift/*", "lambda:InvokeFunction",
                DriftMonitor.SYNC_RULE).doesNotContain("s3:PutObject", "s3:DeleteObject", "dynamodb:");
        assertThat(policy).doesNotContain("TrainFunction", "IngestFunction");
    }

    @Test
    void props_refuseADefinitionWithAPlaceholderNothingBinds() {
        TestFixtures.Loop loop = TestFixtures.Loop.in(new Stack(new App(), "Refused"));
        String unbound = "{\"StartAt\": \"X\", \"States\": {\"X\": {\"Type\": \"Task\", "
                + "\"Resource\": \"${NoSuchFunctionArn}\", \"End\": true}}}";
        assertThatThrownBy(() -> new DriftMonitor(loop.stack(), "Monitor",
                loop.driftMonitor("m").definition(unbound).build()))
                .hasMessageContaining("NoSuchFunctionArn");
        assertThatThrownBy(() -> loop.driftMonitor(null).build()).hasMessageContaining("stateMachineName");
    }
}
