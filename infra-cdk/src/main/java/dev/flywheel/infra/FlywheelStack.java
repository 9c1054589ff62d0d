package dev.flywheel.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

/**
 * Flywheel's training side in one stack: the {@link DataStore}, the {@link PipelineFunctions}, the
 * {@link TrainingPipeline} that runs them on a schedule and on drift, the daily {@link DriftMonitor}, and the
 * {@link ServingApi}.
 */
public final class FlywheelStack extends Stack {

    private final DataStore dataStore;
    private final PipelineFunctions functions;
    private final TrainingPipeline trainingPipeline;
    private final DriftMonitor driftMonitor;
    private final ServingApi serving;
    private LoopMonitoring loopMonitoring;

    /** Every function module the stack deploys a jar of: the pipeline's, the drift monitor's and inference. */
    public static final List<String> MODULES = java.util.stream.Stream.concat(PipelineFunctions.MODULES.stream(),
            java.util.stream.Stream.of(ServingApi.MODULE)).toList();

    public FlywheelStack(Construct scope, String id, FlywheelStackProps props) {
        super(scope, id, StackProps.builder()
                .stackName(props.stackName())
                .env(props.env())
                .description("Flywheel (" + props.stage() + "): artifact bucket, metadata table, training "
                        + "and registry functions and the training pipeline with scheduled and drift-triggered "
                        + "retraining")
                .build());
        Tags.of(this).add("project", "flywheel");
        Tags.of(this).add("flywheel:stage", props.stage());

        dataStore = new DataStore(this, "DataStore", props.dataStore());
        Map<String, Code> pipelineCode = new LinkedHashMap<>(props.moduleCode());
        pipelineCode.keySet().retainAll(PipelineFunctions.MODULES);
        StageDefaults stageDefaults = StageDefaults.of(props.stage());
        functions = new PipelineFunctions(this, "Functions", PipelineFunctionsProps.builder()
                .logRetention(stageDefaults.logRetention())
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(pipelineCode)
                .codeVersion(props.codeVersion())
                .build());
        trainingPipeline = new TrainingPipeline(this, "TrainingPipeline", TrainingPipelineProps.builder()
                .logRetention(stageDefaults.logRetention())
                .definition(props.definition())
                .functions(functions.aliases())
                .stateMachineName("flywheel-" + props.stage() + "-training")
                .logGroupName("/aws/vendedlogs/states/flywheel-" + props.stage() + "-training")
                .schedule(props.schedule())
                .scheduleEnabled(props.scheduleEnabled())
                .scheduleInput(stageDefaults.pipelineInput(props.scheduleInput()))
                .build());

        driftMonitor = new DriftMonitor(this, "DriftMonitor", new DriftMonitorProps(props.driftDefinition(),
                functions.aliases(), trainingPipeline.stateMachine(), dataStore.artifactBucket(),
                "flywheel-" + props.stage() + "-drift-monitor", stageDefaults.logRetention(),
                Schedule.rate(Duration.days(1)), !props.monitorInput().isEmpty(),
                stageDefaults.monitorInput(props.monitorInput())));

        serving = new ServingApi(this, "Serving", new ServingApiProps(props.moduleCode().get(ServingApi.MODULE),
                dataStore.artifactBucket(), dataStore.metadataTable(), props.routes(),
                "flywheel-" + props.stage() + "-inference", stageDefaults.logRetention(), null, props.codeVersion(),
                props.apiKeys(), 50, 100, true));

        Topic alarmTopic = null;
        if (props.alarmEmail() != null) {
            alarmTopic = Topic.Builder.create(this, "AlarmTopic")
                    .displayName("Flywheel " + props.stage() + " alarms")
                    .masterKey(software.amazon.awscdk.services.kms.Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"))
                    .enforceSsl(true)
                    .build();
            alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail()));
        }
        List<software.amazon.awscdk.services.cloudwatch.IAlarm> owned = new java.util.ArrayList<>(serving.alarms());
        owned.add(driftMonitor.failedAlarm());
        loopMonitoring = new LoopMonitoring(this, "Monitoring", "flywheel-" + props.stage(),
                trainingPipeline.stateMachine(), driftMonitor.stateMachine(), serving.api(), serving.alias(), owned,
                alarmTopic);

        output("ArtifactBucketName", dataStore.artifactBucket().getBucketName(),
                "The bucket of datasets, features, models and captures (FLYWHEEL_BUCKET)");
        output("MetadataTableName", dataStore.metadataTable().getTableName(),
                "The DynamoDB metadata table (FLYWHEEL_TABLE)");
        output("TrainingStateMachineArn", trainingPipeline.stateMachine().getStateMachineArn(),
                "Start a training run: aws stepfunctions start-execution --state-machine-arn <this>");
        output("DriftMonitorStateMachineArn", driftMonitor.stateMachine().getStateMachineArn(),
                "Check a model for drift now: aws stepfunctions start-execution --state-machine-arn <this> --input "
                        + "'{\"model\": ...}' (see docs/monitoring.md)");
        output("ApiUrl", serving.api().getUrl(),
                "The inference API (IAM/SigV4): curl --aws-sigv4 \"aws:amz:<region>:execute-api\" --user "
                        + "\"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" <this>models/<name>/predict -d @body.json");
        output("RollbackFunctionArn", functions.aliases().get("rollback").getFunctionArn(),
                "Roll a model's champion back: aws lambda invoke --function-name <this> --cli-binary-format "
                        + "raw-in-base64-out --payload '{\"model\": ...}' out.json");
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public DataStore dataStore() {
        return dataStore;
    }

    public PipelineFunctions functions() {
        return functions;
    }

    public TrainingPipeline trainingPipeline() {
        return trainingPipeline;
    }

    public DriftMonitor driftMonitor() {
        return driftMonitor;
    }

    public ServingApi serving() {
        return serving;
    }

    public LoopMonitoring loopMonitoring() {
        return loopMonitoring;
    }
}
