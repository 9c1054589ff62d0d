package dev.flywheel.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The drift monitor on AWS: a STANDARD state machine from the shared {@code drift-monitor} definition (the file
 * {@code flywheel drift run} interprets locally), its placeholders bound to the drift functions' aliases, the
 * training pipeline and the artifact bucket; an EventBridge schedule that runs it; and an alarm when an execution
 * fails (a failed retraining fails the monitor on purpose). Its role may invoke exactly the functions it names,
 * read the run manifests ({@code drift/*}) its Distributed Map reads, start its own child executions, and start,
 * follow and stop executions of the training pipeline.
 */
public final class DriftMonitor extends Construct {
    /** Step Functions' managed rule for {@code .sync} integrations with Step Functions itself. */
    static final String SYNC_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

    private final StateMachine stateMachine;
    private final Rule scheduleRule;
    private final Alarm failedAlarm;

    public DriftMonitor(Construct scope, String id, DriftMonitorProps props) {
        super(scope, id);
        Map<String, IAlias> invoked = TrainingPipeline.invokedBy(props.definition(), props.functions());
        Map<String, String> substitutions = new LinkedHashMap<>(TrainingPipeline.substitutions(invoked));
        substitutions.put("TrainingPipelineArn", props.trainingPipeline().getStateMachineArn());
        substitutions.put("ArtifactBucket", props.bucket().getBucketName());
        TrainingPipeline.requireEveryPlaceholderBound(props.definition(), substitutions);

        LogGroup logGroup = LogGroup.Builder.create(this, "ExecutionLogs")
                .logGroupName(Stage.stateMachineLogGroup(props.stateMachineName()))
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineName(props.stateMachineName())
                .stateMachineType(StateMachineType.STANDARD)
                .comment("Flywheel drift monitor: profile captured traffic, score against the baseline, decide, "
                        + "retrain")
                .definitionBody(DefinitionBody.fromString(props.definition()))
                .definitionSubstitutions(substitutions)
                .logs(LogOptions.builder().destination(logGroup).level(LogLevel.ALL).includeExecutionData(true)
                        .build())
                .tracingEnabled(true)
                .build();
        invoked.values().forEach(alias -> alias.grantInvoke(stateMachine));
        props.bucket().grantRead(stateMachine, "drift/*");

        Stack stack = Stack.of(this);
        String ownArn = stack.formatArn(ArnComponents.builder().service("states").resource("stateMachine")
                .resourceName(props.stateMachineName()).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        String ownExecutions = stack.formatArn(ArnComponents.builder().service("states").resource("execution")
                .resourceName(props.stateMachineName() + "/*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        // The Distributed Map runs each batch as a child execution of this state machine.
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:StartExecution")).resources(List.of(ownArn)).build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:DescribeExecution", "states:StopExecution"))
                .resources(List.of(ownExecutions)).build());
        // startExecution.sync:2 of the training pipeline: start it, follow it (through the managed rule), stop it.
        props.trainingPipeline().grantStartExecution(stateMachine);
        String trainingName = stack.splitArn(props.trainingPipeline().getStateMachineArn(),
                ArnFormat.COLON_RESOURCE_NAME).getResourceName();
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:DescribeExecution", "states:StopExecution"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("states").resource("execution")
                        .resourceName(trainingName + ":*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutTargets", "events:PutRule", "events:DescribeRule"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("events").resource("rule")
                        .resourceName(SYNC_RULE).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())))
                .build());

        Map<String, Object> input = props.monitorInput().isEmpty() ? Map.of("model", "REPLACE-ME")
                : props.monitorInput();
        scheduleRule = Rule.Builder.create(this, "Schedule")
                .description("Runs Flywheel's drift monitor over the latest captured traffic")
                .schedule(props.schedule())
                .enabled(props.scheduleEnabled())
                .targets(List.of(SfnStateMachine.Builder.create(stateMachine)
                        .input(RuleTargetInput.fromObject(input)).build()))
                .build();

        failedAlarm = Alarm.Builder.create(this, "FailedAlarm")
                .alarmDescription("A drift monitor execution failed (the monitor itself, or the retraining it "
                        + "started): flywheel drift reports MODEL shows the decision and its cause")
                .metric(stateMachine.metricFailed())
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();

        NagSuppressions.addResourceSuppressions(stateMachine.getRole(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Wildcards AWS requires: Step Functions' log delivery and X-Ray actions accept no resource "
                        + "(Resource::*); the Distributed Map's child executions and the training executions it "
                        + "follows have ARNs known only at run time (execution:<state machine>:*); the ItemReader "
                        + "reads run manifests under drift/* with grantRead's s3:GetObject*/GetBucket*/List* "
                        + "action families.")
                .appliesTo(List.of(
                        "Resource::*",
                        regex("^Action::s3:(GetObject|GetBucket|List)\\*$"),
                        regex("^Resource::<[A-Za-z0-9]*ArtifactBucket[A-Za-z0-9]*\\.Arn>/drift/\\*$"),
                        // region and account are tokens, or concrete when the CLI knows the environment
                        regex("^Resource::arn:<AWS::Partition>:states:(<AWS::Region>|[a-z0-9-]+):"
                                + "(<AWS::AccountId>|[0-9]+):execution:.*[:/]\\*$")))
                .build()), true);
    }

    private static io.github.cdklabs.cdknag.RegexAppliesTo regex(String pattern) {
        return io.github.cdklabs.cdknag.RegexAppliesTo.builder().regex("/" + pattern + "/").build();
    }

    public IStateMachine stateMachine() {
        return stateMachine;
    }

    public Rule scheduleRule() {
        return scheduleRule;
    }

    public Alarm failedAlarm() {
        return failedAlarm;
    }
}
