package dev.flywheel.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.registry.NotFoundException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Step Functions' refusals as they come over the wire (the awsJson1_0 error shape, {@code __type} and message),
 * through the real SDK client, to Flywheel's exceptions. moto answers SendTaskSuccess/Failure for any token
 * (without executing definitions) or with InvalidToken only (when it does), so the other refusals are served here.
 */
class StepFunctionsExecutionsTest {
    private HttpServer server;
    private final AtomicReference<String> errorType = new AtomicReference<>();
    private final AtomicReference<String> lastTarget = new AtomicReference<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            lastTarget.set(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            byte[] body = ("{\"__type\":\"com.amazonaws.swf.service.v2.model#" + errorType.get()
                    + "\",\"message\":\"served by the test\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private StepFunctionsExecutions client() {
        return StepFunctionsExecutions.create(FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "aws",
                "FLYWHEEL_BUCKET", "b", "FLYWHEEL_TABLE", "t", "AWS_REGION", "us-east-1",
                "FLYWHEEL_AWS_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort())));
    }

    @ParameterizedTest
    @CsvSource({"TaskDoesNotExist,TASK_DOES_NOT_EXIST", "TaskTimedOut,TASK_TIMED_OUT", "InvalidToken,INVALID_TOKEN"})
    void refusedTokens_becomeTaskTokenRejected_withTheirReason(String type, TaskTokenRejectedException.Reason reason) {
        errorType.set(type);
        try (StepFunctionsExecutions remote = client()) {
            assertThatThrownBy(() -> remote.sendTaskSuccess("tok", "{}"))
                    .isInstanceOfSatisfying(TaskTokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(reason))
                    .hasMessage("served by the test");
            assertThat(lastTarget.get()).isEqualTo("AWSStepFunctions.SendTaskSuccess");
            assertThatThrownBy(() -> remote.sendTaskFailure("tok", "ApprovalRejected", "no"))
                    .isInstanceOfSatisfying(TaskTokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(reason));
            assertThat(lastTarget.get()).isEqualTo("AWSStepFunctions.SendTaskFailure");
        }
    }

    @ParameterizedTest
    @CsvSource({"ExecutionDoesNotExist", "InvalidArn"})
    void aMissingExecution_isNotFound_toDescribeAndToStop(String type) {
        errorType.set(type);
        try (StepFunctionsExecutions remote = client()) {
            assertThatThrownBy(() -> remote.describe("arn:aws:states:us-east-1:123456789012:execution:t:x"))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> remote.stop("arn:aws:states:us-east-1:123456789012:execution:t:x", null, "why"))
                    .isInstanceOf(NotFoundException.class);
            assertThat(lastTarget.get()).isEqualTo("AWSStepFunctions.StopExecution");
        }
    }

    @ParameterizedTest
    @CsvSource({"StateMachineDoesNotExist"})
    void aMissingStateMachine_namesTheVariablesToCheck(String type) {
        errorType.set(type);
        try (StepFunctionsExecutions remote = client()) {
            assertThatThrownBy(() -> remote.start("arn:aws:states:us-east-1:123456789012:stateMachine:t", "n", "{}"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("FLYWHEEL_TRAINING_STATE_MACHINE_ARN");
        }
    }
}
