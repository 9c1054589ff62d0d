package dev.flywheel.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.IRule;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
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
 * The training pipeline on AWS: a STANDARD Step Functions state machine built from the shared ASL definition
 * (the same file the local runtime interprets), with every {@code ${<Name>FunctionArn}} placeholder bound to a
 * function's alias and leave to invoke exactly those aliases (a function the definition does not name, such as
 * rollback, stays out of its reach), execution logs (ALL, with data) and X-Ray tracing; and the EventBridge rule
 * that starts it on a schedule. Drift-triggered runs are started by the drift monitor's own state machine
 * ({@link DriftMonitor}), which records the outcome of the run it started against its decision.
 */
public final class TrainingPipeline extends Construct {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private final StateMachine stateMachine;
    private final Rule scheduleRule;

    public TrainingPipeline(Construct scope, String id, TrainingPipelineProps props) {
        super(scope, id);
        requireEveryPlaceholderBound(props.definition(), substitutions(props.functions()));
        Map<String, IAlias> invoked = invokedBy(props.definition(), props.functions());

        LogGroup logGroup = LogGroup.Builder.create(this, "ExecutionLogs")
                .logGroupName(props.logGroupName())
                .retention(props.logRetention())
                // deleted with the stack: a retained log group with a fixed name would make a redeploy fail
                .removalPolicy(props.logGroupName() == null ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineName(props.stateMachineName())
                .stateMachineType(StateMachineType.STANDARD)
                .comment("Flywheel training pipeline: ingest, preprocess, train, evaluate, register")
                .definitionBody(DefinitionBody.fromString(props.definition()))
                .definitionSubstitutions(substitutions(invoked))
                .logs(LogOptions.builder()
                        .destination(logGroup)
                        .level(LogLevel.ALL)
                        .includeExecutionData(true)
                        .build())
                .tracingEnabled(true)
                .build();
        for (IAlias alias : invoked.values()) {
            alias.grantInvoke(stateMachine);
        }

        scheduleRule = Rule.Builder.create(this, "ScheduledRetraining")
                .description("Retrains Flywheel's model on a schedule")
                .schedule(props.schedule())
                .enabled(props.scheduleEnabled())
                .targets(List.of(SfnStateMachine.Builder.create(stateMachine)
                        .input(RuleTargetInput.fromObject(props.scheduleInput()))
                        .build()))
                .build();


        // On the role and its default policy only, not the whole construct: the rules' EventBridge role is
        // scoped to states:StartExecution on this state machine and needs no suppression.
        NagSuppressions.addResourceSuppressions(stateMachine.getRole(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Step Functions' log delivery actions (logs:CreateLogDelivery, PutResourcePolicy and the "
                        + "like) and X-Ray's PutTraceSegments accept no resource ARN, so CDK grants them on "
                        + "Resource::*; function invocations are limited to the aliases.")
                .appliesTo(List.of("Resource::*"))
                .build()), true);
    }

    /** The definition substitutions: {@code <Name>FunctionArn} to the ARN of that function's alias. */
    public static Map<String, String> substitutions(Map<String, IAlias> aliases) {
        Map<String, String> substitutions = new LinkedHashMap<>();
        aliases.forEach((name, alias) -> substitutions.put(FunctionSpec.placeholderOf(name), alias.getFunctionArn()));
        return substitutions;
    }

    /** The aliases, by function name, whose {@code ${<Name>FunctionArn}} placeholder {@code definition} uses. */
    static Map<String, IAlias> invokedBy(String definition, Map<String, IAlias> aliases) {
        Set<String> placeholders = placeholders(definition);
        Map<String, IAlias> invoked = new LinkedHashMap<>();
        aliases.forEach((name, alias) -> {
            if (placeholders.contains(FunctionSpec.placeholderOf(name))) {
                invoked.put(name, alias);
            }
        });
        return invoked;
    }

    private static Set<String> placeholders(String definition) {
        Set<String> placeholders = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(definition);
        while (matcher.find()) {
            placeholders.add(matcher.group(1));
        }
        return placeholders;
    }

    /**
     * Fails at synth time, naming them, when the definition has placeholders nobody binds; Step Functions would
     * otherwise reject the definition halfway through a deployment.
     */
    static void requireEveryPlaceholderBound(String definition, Map<String, String> substitutions) {
        Set<String> unbound = placeholders(definition);
        unbound.removeAll(substitutions.keySet());
        if (!unbound.isEmpty()) {
            throw new IllegalArgumentException("the state machine definition has placeholders with no value: "
                    + unbound + "; bound are " + substitutions.keySet());
        }
    }

    public IStateMachine stateMachine() {
        return stateMachine;
    }

    public IRule scheduleRule() {
        return scheduleRule;
    }
}
