package dev.flywheel.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.registry.NotFoundException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * {@link RemoteExecutions} on the AWS SDK's {@link SfnClient}, built as {@code AwsClients} builds the S3 and
 * DynamoDB clients: the configured region, the URL-connection HTTP client, and with an emulator endpoint
 * ({@code FLYWHEEL_AWS_ENDPOINT}: moto, LocalStack) that endpoint and test credentials; otherwise the default
 * credential chain. Step Functions' errors become Flywheel's: a missing execution a {@link NotFoundException}, a
 * refused task token a {@link TaskTokenRejectedException}, a missing state machine an {@link IllegalStateException}
 * naming the variable to check.
 */
public final class StepFunctionsExecutions implements RemoteExecutions {
    /** GetExecutionHistory's largest page. */
    static final int HISTORY_PAGE = 1000;
    private final SfnClient sfn;

    public StepFunctionsExecutions(SfnClient sfn) {
        this.sfn = sfn;
    }

    public static StepFunctionsExecutions create(FlywheelConfig config) {
        var builder = SfnClient.builder().region(Region.of(config.region()))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        if (config.endpointOverride().isPresent()) {
            builder.endpointOverride(config.endpointOverride().get())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return new StepFunctionsExecutions(builder.build());
    }

    @Override
    public String start(String stateMachineArn, String name, String input) {
        try {
            return sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(name).input(input)).executionArn();
        } catch (StateMachineDoesNotExistException e) {
            throw noStateMachine(stateMachineArn, e);
        }
    }

    @Override
    public Execution describe(String executionArn) {
        try {
            DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
            return new Execution(d.executionArn(), d.name(), d.stateMachineArn(), d.statusAsString(), d.input(),
                    d.output(), d.error(), d.cause(), d.startDate(), d.stopDate());
        } catch (ExecutionDoesNotExistException | InvalidArnException e) {
            throw noExecution(executionArn, e);
        }
    }

    @Override
    public Instant stop(String executionArn, String error, String cause) {
        try {
            return sfn.stopExecution(b -> b.executionArn(executionArn).error(error).cause(cause)).stopDate();
        } catch (ExecutionDoesNotExistException | InvalidArnException e) {
            throw noExecution(executionArn, e);
        }
    }

    @Override
    public Page<JsonNode> history(String executionArn, String nextToken) {
        try {
            GetExecutionHistoryResponse page = sfn.getExecutionHistory(b -> b.executionArn(executionArn)
                    .maxResults(HISTORY_PAGE).nextToken(nextToken).includeExecutionData(true));
            List<JsonNode> events = page.events().stream().map(StepFunctionsExecutions::json).toList();
            return new Page<>(events, blankToNull(page.nextToken()));
        } catch (ExecutionDoesNotExistException e) {
            throw noExecution(executionArn, e);
        }
    }

    @Override
    public Page<Execution> list(String stateMachineArn, int maxResults, String nextToken) {
        try {
            ListExecutionsResponse page = sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)
                    .maxResults(Math.min(1000, Math.max(1, maxResults))).nextToken(nextToken));
            List<Execution> executions = page.executions().stream().map(StepFunctionsExecutions::listed).toList();
            return new Page<>(executions, blankToNull(page.nextToken()));
        } catch (StateMachineDoesNotExistException e) {
            throw noStateMachine(stateMachineArn, e);
        }
    }

    @Override
    public void sendTaskSuccess(String taskToken, String output) {
        answer(() -> sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(output)));
    }

    @Override
    public void sendTaskFailure(String taskToken, String error, String cause) {
        answer(() -> sfn.sendTaskFailure(b -> b.taskToken(taskToken).error(error).cause(cause)));
    }

    @Override
    public void close() {
        sfn.close();
    }

    private static void answer(Runnable call) {
        try {
            call.run();
        } catch (TaskDoesNotExistException e) {
            throw rejected(TaskTokenRejectedException.Reason.TASK_DOES_NOT_EXIST, e);
        } catch (TaskTimedOutException e) {
            throw rejected(TaskTokenRejectedException.Reason.TASK_TIMED_OUT, e);
        } catch (InvalidTokenException e) {
            throw rejected(TaskTokenRejectedException.Reason.INVALID_TOKEN, e);
        }
    }

    private static TaskTokenRejectedException rejected(TaskTokenRejectedException.Reason reason,
                                                       AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return new TaskTokenRejectedException(reason, message, e);
    }

    private static NotFoundException noExecution(String arn, AwsServiceException e) {
        return e instanceof InvalidArnException
                ? new NotFoundException("'" + arn + "' is not an execution ARN: " + e.awsErrorDetails().errorMessage())
                : new NotFoundException("no execution " + arn + " in Step Functions");
    }

    private static IllegalStateException noStateMachine(String arn, RuntimeException e) {
        return new IllegalStateException("no state machine " + arn + " in Step Functions: check "
                + FlywheelConfig.TRAINING_STATE_MACHINE_ARN + " / " + FlywheelConfig.DRIFT_STATE_MACHINE_ARN
                + " and AWS_REGION against the stack outputs", e);
    }

    private static Execution listed(ExecutionListItem e) {
        return new Execution(e.executionArn(), e.name(), e.stateMachineArn(), e.statusAsString(), null, null, null,
                null, e.startDate(), e.stopDate());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /**
     * A model object in the API's JSON shape: its members under their wire names, timestamps as ISO-8601 text.
     * Generic over {@link SdkPojo}, so that an event type this code does not name still comes through whole.
     */
    static JsonNode json(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof SdkPojo pojo) {
            ObjectNode object = nodes.objectNode();
            for (SdkField<?> field : pojo.sdkFields()) {
                Object member = field.getValueOrDefault(pojo);
                if (member != null) {
                    object.set(field.locationName(), json(member));
                }
            }
            return object;
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = nodes.arrayNode();
            items.forEach(item -> array.add(json(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), json(v)));
            return object;
        }
        if (value instanceof Instant instant) {
            return nodes.textNode(instant.toString());
        }
        if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Long) {
            return nodes.numberNode(((Number) value).longValue());
        }
        if (value instanceof Number number) {
            return nodes.numberNode(number.doubleValue());
        }
        return nodes.textNode(value.toString());
    }
}
