package dev.flywheel.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.testing.AwsEmulator;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The moto server's Step Functions API for the tests of the deployed commands. */
final class MotoStepFunctions {
    /** The role state machines are created with (moto does not check it). */
    static final String ROLE = "arn:aws:iam::123456789012:role/flywheel-it";

    private MotoStepFunctions() {
    }

    static void requireMoto(AwsEmulator emulator) {
        Assumptions.assumeTrue(emulator.kind().equals("moto"), "skipped: Step Functions is emulated by moto only "
                + "(LocalStack here starts with S3 and DynamoDB)");
    }

    /** The environment of a CLI configured for a deployed Flywheel on the emulator; a null ARN is left unset. */
    static Map<String, String> environment(AwsEmulator emulator, String bucket, String table, String training,
                                           String drift) {
        Map<String, String> env = new HashMap<>(Map.of(FlywheelConfig.MODE, "aws", FlywheelConfig.BUCKET, bucket,
                FlywheelConfig.TABLE, table, FlywheelConfig.REGION, "us-east-1", FlywheelConfig.ENDPOINT,
                emulator.endpoint().toString()));
        if (training != null) {
            env.put(FlywheelConfig.TRAINING_STATE_MACHINE_ARN, training);
        }
        if (drift != null) {
            env.put(FlywheelConfig.DRIFT_STATE_MACHINE_ARN, drift);
        }
        return env;
    }

    static FlywheelConfig config(AwsEmulator emulator, String bucket, String training, String drift) {
        return FlywheelConfig.from(environment(emulator, bucket, "unused", training, drift));
    }

    static SfnClient sfn(AwsEmulator emulator) {
        return SfnClient.builder().region(Region.US_EAST_1).endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** A new state machine of {@code definition} on the emulator; its ARN. */
    static String stateMachine(SfnClient sfn, String name, String definition) {
        return sfn.createStateMachine(b -> b.name(name + "-" + java.util.UUID.randomUUID()).definition(definition)
                .roleArn(ROLE)).stateMachineArn();
    }

    /**
     * Deletes state machines whose executions moto ran. moto 5.2.1 deep-copies a state machine on StartExecution,
     * and with it the whole backend the state machine refers to: once an execution it ran is in there (with the
     * lock of its worker), every later StartExecution in the region fails with HTTP 500 ("cannot pickle
     * '_thread.RLock' object"). Deleting the state machine takes its executions out of the backend.
     */
    static void deleteStateMachines(SfnClient sfn, String... arns) {
        for (String arn : arns) {
            if (arn != null) {
                sfn.deleteStateMachine(b -> b.stateMachineArn(arn));
            }
        }
    }

    /** A test given a state machine's client and ARN. */
    interface WithStateMachine {
        void run(SfnClient sfn, String stateMachineArn) throws Exception;
    }

    /**
     * Runs {@code test} with a new state machine of {@code definition} whose executions moto runs; then deletes the
     * state machine (see {@link #deleteStateMachines}) and switches moto back to running nothing.
     */
    static void withExecutedStateMachine(AwsEmulator emulator, String name, String definition, WithStateMachine test)
            throws Exception {
        executeDefinitions(emulator, true);
        try (SfnClient sfn = sfn(emulator)) {
            String arn = stateMachine(sfn, name, definition);
            try {
                test.run(sfn, arn);
            } finally {
                deleteStateMachines(sfn, arn);
            }
        } finally {
            executeDefinitions(emulator, false);
        }
    }

    /** moto's switch between "run nothing, fabricate a history" and "run the definition". */
    static void executeDefinitions(AwsEmulator emulator, boolean execute) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        emulator.endpoint().resolve("/moto-api/config"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"stepfunctions\": {\"execute_state_machine\": "
                        + execute + "}}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
    }

    /** An SQS queue through moto's query API (the CLI has no SQS client; one request is all the tests need). */
    static void createQueue(AwsEmulator emulator, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(emulator.endpoint())
                .POST(HttpRequest.BodyPublishers.ofString("Action=CreateQueue&Version=2012-11-05&QueueName=" + name))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, "
                        + "SignedHeaders=host, Signature=0").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains(name);
    }

    /**
     * A definition whose one state waits for a task token it sends to an SQS queue (moto runs no Lambda task): an
     * execution of it runs until it is answered or stopped.
     */
    static String waitingDefinition(String state, String queue) {
        return """
                {"StartAt": "STATE", "States": {"STATE": {"Type": "Task",
                  "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/QUEUE",
                    "MessageBody": {"taskToken.$": "$$.Task.Token"}}, "End": true}}}"""
                .replace("STATE", state).replace("QUEUE", queue);
    }
}
