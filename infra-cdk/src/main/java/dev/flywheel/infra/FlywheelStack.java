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
                .description("Flywheel (" + props.stage() + "): artifact bucket and metadata table, the training "
                        + "pipeline on a schedule, the inference API with a canary rollout, the daily drift monitor "
                        + "that retrains on drift, alarms and a dashboard")
                .build());
        Stage stage = Stage.of(props.stage());
        stage.tags().forEach((key, value) -> Tags.of(this).add(key, value));

        dataStore = new DataStore(this, "DataStore", props.dataStore());
        Map<String, Code> pipelineCode = new LinkedHashMap<>(props.moduleCode());
        pipelineCode.keySet().retainAll(PipelineFunctions.MODULES);
        functions = new PipelineFunctions(this, "Functions", PipelineFunctionsProps.builder()
                .logRetention(stage.logRetention())
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(pipelineCode)
                .codeVersion(props.codeVersion())
                .build());
        trainingPipeline = new TrainingPipeline(this, "TrainingPipeline", TrainingPipelineProps.builder()
                .logRetention(stage.logRetention())
                .definition(props.definition())
                .functions(functions.aliases())
                .stateMachineName(stage.resourceName("training"))
                .logGroupName(Stage.stateMachineLogGroup(stage.resourceName("training")))
                .schedule(props.schedule())
                .scheduleEnabled(props.scheduleEnabled())
                .scheduleInput(stage.pipelineInput(props.scheduleInput()))
                .build());

        driftMonitor = new DriftMonitor(this, "DriftMonitor", DriftMonitorProps.builder()
                .definition(props.driftDefinition())
                .functions(functions.aliases())
                .trainingPipeline(trainingPipeline.stateMachine())
                .bucket(dataStore.artifactBucket())
                .stateMachineName(stage.resourceName("drift-monitor"))
                .logRetention(stage.logRetention())
                .schedule(Schedule.rate(Duration.days(1)))
                .scheduleEnabled(!props.monitorInput().isEmpty())
                .monitorInput(stage.monitorInput(props.monitorInput()))
                .build());

        serving = new ServingApi(this, "Serving", ServingApiProps.builder()
                .code(props.moduleCode().get(ServingApi.MODULE))
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .routes(props.routes())
                .apiName(stage.resourceName("inference"))
                .logRetention(stage.logRetention())
                .codeVersion(props.codeVersion())
                .apiKeys(props.apiKeys())
                .build());

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
        loopMonitoring = new LoopMonitoring(this, "Monitoring", LoopMonitoringProps.builder()
                .dashboardName(stage.dashboardName())
                .training(trainingPipeline.stateMachine())
                .monitor(driftMonitor.stateMachine())
                .api(serving.api())
                .inference(serving.alias())
                .otherAlarms(owned)
                .topic(alarmTopic)
                .build());

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
        serving.apiKey().ifPresent(key -> output("ApiKeyId", key.getKeyId(), "The inference API's key (deployed "
                + "with -c apiKeys=true); its value: aws apigateway get-api-key --include-value --api-key <this>; send "
                + "it as the x-api-key header"));
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
