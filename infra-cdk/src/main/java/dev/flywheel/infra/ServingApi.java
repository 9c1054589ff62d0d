package dev.flywheel.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKey;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.JsonSchema;
import software.amazon.awscdk.services.apigateway.JsonSchemaType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Model;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.codedeploy.ILambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * Serving on AWS: the inference function (java21, SnapStart, the {@value PipelineFunctions#ALIAS_NAME} alias,
 * 2048 MB) behind an API Gateway REST API with exactly the routes the function serves, IAM (SigV4) authorisation by
 * default (API keys and a usage plan as an option), request validation, stage throttling, access logs and X-Ray;
 * new function versions roll out through CodeDeploy (canary 10 % for 5 minutes) and roll back when the alias's
 * errors or p99 latency alarm. The function may read model packages ({@code models/*}), write captures and feedback
 * ({@code captures/*}, {@code feedback/*}) and read the metadata table; nothing else.
 */
public final class ServingApi extends Construct {
    /** The code module (under {@code functions/}) of the inference function. */
    public static final String MODULE = "inference";
    static final String HANDLER = "dev.flywheel.functions.inference.InferenceHandler::handleRequest";
    /** p99 latency, in milliseconds, above which a rollout rolls back. */
    static final double P99_MILLIS = 1000;

    private final SnapStartFunction function;
    private final RestApi api;
    private final LambdaDeploymentGroup deployment;
    private final Alarm errorsAlarm;
    private final Alarm latencyAlarm;
    private ApiKey apiKey;

    public ServingApi(Construct scope, String id, ServingApiProps props) {
        super(scope, id);
        Map<String, String> env = new LinkedHashMap<>(PipelineFunctions.environment(props.bucket(), props.table(),
                props.logLevel(), props.codeVersion()));
        env.put("JAVA_TOOL_OPTIONS", PipelineFunctions.JAVA_TOOL_OPTIONS);
        env.put("DJL_OFFLINE", "true");
        env.put("DJL_CACHE_DIR", "/tmp/djl");
        function = SnapStartFunction.create(this, "Inference", "Flywheel inference API: predictions, feedback, "
                        + "capture", HANDLER, props.code(), new FunctionSettings(2048, Duration.seconds(30)), env,
                props.logRetention(), "Flywheel inference function: its logs, X-Ray, model packages (read), "
                        + "captures and feedback (write) and the metadata table (read)");
        props.bucket().grantRead(function.function(), "models/*");
        props.bucket().grantPut(function.function(), "captures/*");
        props.bucket().grantPut(function.function(), "feedback/*");
        props.table().grantReadData(function.function());
        Alias alias = function.alias();

        errorsAlarm = Alarm.Builder.create(this, "ErrorsAlarm")
                .alarmDescription("The inference alias answered with errors (5xx): a rollout in progress rolls back")
                .metric(alias.metricErrors(MetricOptions.builder().period(Duration.minutes(1)).build()))
                .threshold(5).evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build();
        latencyAlarm = Alarm.Builder.create(this, "LatencyAlarm")
                .alarmDescription("The inference alias's p99 duration is above " + (int) P99_MILLIS + " ms: a "
                        + "rollout in progress rolls back")
                .metric(alias.metricDuration(MetricOptions.builder().period(Duration.minutes(1)).statistic("p99")
                        .build()))
                .threshold(P99_MILLIS).evaluationPeriods(2)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build();
        ILambdaDeploymentConfig config = props.canary() ? LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES
                : LambdaDeploymentConfig.ALL_AT_ONCE;
        deployment = LambdaDeploymentGroup.Builder.create(this, "Deployment")
                .alias(alias)
                .deploymentConfig(config)
                .alarms(List.of(errorsAlarm, latencyAlarm))
                .build();

        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs").retention(props.logRetention()).build();
        api = RestApi.Builder.create(this, "Api")
                .restApiName(props.apiName())
                .description("Flywheel inference API (routes: docs/openapi.json)")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                .cloudWatchRole(true)
                .deployOptions(StageOptions.builder()
                        .stageName("v1")
                        .throttlingRateLimit(props.rateLimit())
                        .throttlingBurstLimit(props.burstLimit())
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .loggingLevel(MethodLoggingLevel.ERROR)
                        .metricsEnabled(true)
                        .tracingEnabled(true)
                        .build())
                .build();
        // The stack outputs the URL once, as ApiUrl; RestApi's own "Endpoint" output would be a second, unnamed one.
        api.getNode().tryRemoveChild("Endpoint");
        RequestValidator validator = RequestValidator.Builder.create(this, "Validator")
                .restApi(api)
                .validateRequestBody(true)
                .validateRequestParameters(true)
                .build();
        Model jsonObject = Model.Builder.create(this, "JsonObject")
                .restApi(api)
                .contentType("application/json")
                .description("A JSON object (the function checks the rest and says what is wrong)")
                .schema(JsonSchema.builder().type(JsonSchemaType.OBJECT).build())
                .build();
        LambdaIntegration integration = LambdaIntegration.Builder.create(alias).proxy(true).build();
        for (String route : props.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            IResource resource = api.getRoot();
            Set<String> parameters = new TreeSet<>();
            for (String segment : path.substring(1).split("/")) {
                IResource child = resource.getResource(segment);
                resource = child != null ? child : resource.addResource(segment);
                if (segment.startsWith("{")) {
                    parameters.add("method.request.path." + segment.substring(1, segment.length() - 1));
                }
            }
            Map<String, Boolean> required = new LinkedHashMap<>();
            parameters.forEach(p -> required.put(p, true));
            MethodOptions.Builder options = MethodOptions.builder()
                    .authorizationType(props.apiKeys() ? AuthorizationType.NONE : AuthorizationType.IAM)
                    .apiKeyRequired(props.apiKeys())
                    .requestValidator(validator)
                    .requestParameters(required);
            if (method.equals("POST")) {
                options.requestModels(Map.of("application/json", jsonObject));
            }
            resource.addMethod(method, integration, options.build());
        }
        if (props.apiKeys()) {
            ApiKey key = ApiKey.Builder.create(this, "Key").description("Flywheel inference API key").build();
            apiKey = key;
            UsagePlan plan = UsagePlan.Builder.create(this, "UsagePlan")
                    .throttle(ThrottleSettings.builder().rateLimit(props.rateLimit()).burstLimit(props.burstLimit())
                            .build())
                    .apiStages(List.of(UsagePlanPerApiStage.builder().api(api).stage(api.getDeploymentStage())
                            .build()))
                    .build();
            plan.addApiKey(key);
        }
        suppressNagFindings(props);
    }

    private void suppressNagFindings(ServingApiProps props) {
        NagSuppressions.addResourceSuppressions(function.function(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("Flywheel targets java21 on purpose: its jars are built and tested for it, and it runs on "
                        + "Amazon Linux 2023 (glibc 2.34) as the native ML libraries need.")
                .build()));
        String bucketId = props.bucket().getNode().getId().replaceAll("[^A-Za-z0-9]", "");
        NagSuppressions.addResourceSuppressions(function.role(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("X-Ray's PutTraceSegments accepts no resource (Resource::*); the function reads model "
                        + "packages under models/* (s3:GetObject*, GetBucket*, List* of grantRead) and writes "
                        + "capture and feedback batches under captures/* and feedback/* (s3:PutObject*, Abort*).")
                .appliesTo(List.of("Resource::*",
                        regex("^Action::s3:(GetObject|GetBucket|List|PutObject|Abort)\\*$"),
                        regex("^Resource::<[A-Za-z0-9]*" + bucketId + "[A-Za-z0-9]*\\.Arn>/(models|captures|feedback)/\\*$")))
                .build()), true);
        NagSuppressions.addResourceSuppressions(deployment, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("CodeDeploy's service role for Lambda rollouts uses the managed policy AWS provides for it "
                        + "(AWSCodeDeployRoleForLambdaLimited: shift the alias, read the alarms, invoke hooks).")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AWSCodeDeployRoleForLambdaLimited"))
                .build()), true);
        NagSuppressions.addResourceSuppressions(api, List.of(
                NagPackSuppression.builder().id("AwsSolutions-APIG3")
                        .reason("No WAF web ACL: a web ACL costs a monthly fee whether or not the API is called, "
                                + "against Flywheel's idle cost of zero; callers are authorised by IAM (SigV4) and "
                                + "the stage is throttled. Add one in front for a public API.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-COG4")
                        .reason("Authorisation is IAM (SigV4, the default) or API keys, not a Cognito user pool: "
                                + "the callers are services, not end users.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("API Gateway's account-level CloudWatch role uses the managed policy AWS provides "
                                + "for it (AmazonAPIGatewayPushToCloudWatchLogs), which execution logging requires.")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                                + "AmazonAPIGatewayPushToCloudWatchLogs"))
                        .build()), true);
        if (props.apiKeys()) {
            // Chosen by the operator (-c apiKeys=true); the default, IAM, is authorisation and needs no suppression.
            NagSuppressions.addResourceSuppressions(api, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-APIG4")
                    .reason("Deployed with API keys on request (-c apiKeys=true): every method requires a key of "
                            + "the usage plan, which identifies and throttles callers but is not authorisation. "
                            + "The default, IAM (SigV4), is; use it unless callers cannot sign requests.")
                    .build()), true);
            Annotations.of(api).addWarningV2("flywheel:apiKeys", "The inference API takes API keys instead of IAM "
                    + "authorisation (-c apiKeys=true): anyone holding the key can call it. Its value: aws apigateway "
                    + "get-api-key --include-value --api-key <the ApiKeyId output> (see docs/deploy.md)");
        }
    }

    private static RegexAppliesTo regex(String pattern) {
        return RegexAppliesTo.builder().regex("/" + pattern + "/").build();
    }

    /** The routes of an OpenAPI document: "METHOD /path" for each path and operation, in document order. */
    static List<String> routes(com.fasterxml.jackson.databind.JsonNode openApi) {
        List<String> routes = new ArrayList<>();
        openApi.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(m -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(m)) {
                routes.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    public Alias alias() {
        return function.alias();
    }

    /** The API key callers send (x-api-key) when deployed with API keys, else empty. */
    public java.util.Optional<ApiKey> apiKey() {
        return java.util.Optional.ofNullable(apiKey);
    }

    public RestApi api() {
        return api;
    }

    public LambdaDeploymentGroup deployment() {
        return deployment;
    }

    public List<Alarm> alarms() {
        return List.of(errorsAlarm, latencyAlarm);
    }
}
