package dev.flywheel.statemachines.runtime;

import dev.flywheel.testing.MutableClock;
import dev.flywheel.domain.ExecutionStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 256 KiB payload quota, table-driven with generated payloads (too big for the JSON conformance files). The
 * behaviours follow the Developer Guide ('Step Functions service quotas'; 'Handling errors', States.DataLimitExceeded)
 * and histories recorded against AWS by LocalStack's snapshot tests (tests/aws/services/stepfunctions/v2/
 * error_handling/test_states_errors.snapshot.json): a task result over the quota is a TaskFailed that a Catch on the
 * name or on States.ALL handles; a state's own output over the quota fails the execution right after StateEntered.
 */
class PayloadQuotaTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String LAMBDA = "arn:aws:states:::lambda:invoke";
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:Big";
    private static final String TOO_LARGE = "' returned a result with a size exceeding the maximum number of bytes "
            + "service limit.";

    /** One row: a definition, an input, what the task returns, and the outcome. */
    record Case(String name, String definition, JsonNode input, JsonNode taskResult, ExecutionStatus status,
                String error, String cause, List<String> lastEventTypes) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A JSON string whose UTF-8 JSON text ({@code "..."}) is exactly {@code bytes} long, of 1-byte characters. */
    private static TextNode stringOfBytes(int bytes) {
        return TextNode.valueOf("x".repeat(bytes - 2));
    }

    private static ObjectNode object(String field, JsonNode value) {
        ObjectNode node = MAPPER.createObjectNode();
        node.set(field, value);
        return node;
    }

    private static String pass(String resultJson) {
        return "{\"StartAt\":\"Big\",\"States\":{\"Big\":{\"Type\":\"Pass\",\"Result\":" + resultJson + ",\"End\":true}}}";
    }

    private static String task(String resource, String extra) {
        return ("{\"StartAt\":\"Call\",\"States\":{\"Call\":{\"Type\":\"Task\",\"Resource\":\"%s\"%s,\"End\":true},"
                + "\"Caught\":{\"Type\":\"Pass\",\"End\":true}}}").formatted(resource, extra);
    }

    static Stream<Case> cases() {
        int quota = Quotas.PAYLOAD_BYTES;
        JsonNode kib150 = stringOfBytes(150 * 1024);
        JsonNode kib300 = stringOfBytes(300 * 1024);
        return Stream.of(
                new Case("a Pass output of 300 KiB fails with States.DataLimitExceeded right after StateEntered",
                        pass(kib300.toString()), MAPPER.createObjectNode(), null, ExecutionStatus.FAILED,
                        StatesErrors.DATA_LIMIT_EXCEEDED, "The state/task 'Big" + TOO_LARGE,
                        List.of("ExecutionStarted", "PassStateEntered", "ExecutionFailed")),
                new Case("an output of exactly 256 KiB is within the quota",
                        pass(stringOfBytes(quota).toString()), MAPPER.createObjectNode(), null,
                        ExecutionStatus.SUCCEEDED, null, null,
                        List.of("PassStateEntered", "PassStateExited", "ExecutionSucceeded")),
                new Case("one byte more is over it",
                        pass(stringOfBytes(quota + 1).toString()), MAPPER.createObjectNode(), null,
                        ExecutionStatus.FAILED, StatesErrors.DATA_LIMIT_EXCEEDED, null,
                        List.of("PassStateEntered", "ExecutionFailed")),
                new Case("the quota counts UTF-8 bytes, not characters",
                        pass(TextNode.valueOf("é".repeat(quota / 2)).toString()), MAPPER.createObjectNode(), null,
                        ExecutionStatus.FAILED, StatesErrors.DATA_LIMIT_EXCEEDED, null,
                        List.of("PassStateEntered", "ExecutionFailed")),
                new Case("a 300 KiB lambda:invoke result is a TaskFailed naming the service",
                        task(LAMBDA, ""), MAPPER.createObjectNode(), kib300, ExecutionStatus.FAILED,
                        StatesErrors.DATA_LIMIT_EXCEEDED, "The state/task 'lambda" + TOO_LARGE,
                        List.of("TaskStarted", "TaskFailed", "ExecutionFailed")),
                new Case("a too large result of a plain Lambda ARN names the ARN",
                        task(FUNCTION, ""), MAPPER.createObjectNode(), kib300, ExecutionStatus.FAILED,
                        StatesErrors.DATA_LIMIT_EXCEEDED, "The state/task '" + FUNCTION + TOO_LARGE,
                        List.of("TaskStarted", "TaskFailed", "ExecutionFailed")),
                new Case("a Catch on States.ALL handles a too large task result, as on AWS",
                        task(LAMBDA, ",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]"),
                        MAPPER.createObjectNode(), kib300, ExecutionStatus.SUCCEEDED, null, null,
                        List.of("TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited",
                                "ExecutionSucceeded")),
                new Case("a Catch on States.DataLimitExceeded handles it too",
                        task(LAMBDA, ",\"Catch\":[{\"ErrorEquals\":[\"States.DataLimitExceeded\"],\"Next\":\"Caught\"}]"),
                        MAPPER.createObjectNode(), kib300, ExecutionStatus.SUCCEEDED, null, null,
                        List.of("TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited",
                                "ExecutionSucceeded")),
                new Case("a task's output over the quota after ResultPath is terminal: States.ALL does not catch it",
                        task(FUNCTION, ",\"ResultPath\":\"$.result\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],"
                                + "\"Next\":\"Caught\"}]"),
                        object("input", kib150), kib150, ExecutionStatus.FAILED, StatesErrors.DATA_LIMIT_EXCEEDED,
                        "The state/task 'Call" + TOO_LARGE, List.of("TaskSucceeded", "ExecutionFailed")),
                new Case("a Map iteration's input over the quota after ItemSelector fails the execution",
                        "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\","
                                + "\"ItemSelector\":{\"a.$\":\"$.big\",\"b.$\":\"$.big\"},"
                                + "\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},"
                                + "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}],\"End\":true},"
                                + "\"Caught\":{\"Type\":\"Pass\",\"End\":true}}}",
                        object("big", kib150).set("items", MAPPER.createArrayNode().add(1)), null,
                        ExecutionStatus.FAILED, StatesErrors.DATA_LIMIT_EXCEEDED, "The state/task 'M" + TOO_LARGE,
                        List.of("MapStateFailed", "ExecutionFailed")),
                new Case("tolerated Map failures do not tolerate a too large iteration output",
                        "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\","
                                + "\"ToleratedFailurePercentage\":100,\"MaxConcurrency\":1,"
                                + "\"ItemSelector\":{\"big.$\":\"$.big\"},"
                                + "\"ItemProcessor\":{\"StartAt\":\"Double\",\"States\":{\"Double\":{\"Type\":\"Pass\","
                                + "\"Parameters\":{\"a.$\":\"$.big\",\"b.$\":\"$.big\"},\"End\":true}}},\"End\":true}}}",
                        object("big", kib150).set("items", MAPPER.createArrayNode().add(1).add(2)), null,
                        ExecutionStatus.FAILED, StatesErrors.DATA_LIMIT_EXCEEDED, "The state/task 'Double" + TOO_LARGE,
                        List.of("MapIterationFailed", "MapStateFailed", "ExecutionFailed")),
                new Case("a Parallel branch input over the quota after Parameters fails the execution",
                        "{\"StartAt\":\"Par\",\"States\":{\"Par\":{\"Type\":\"Parallel\","
                                + "\"Parameters\":{\"a.$\":\"$.big\",\"b.$\":\"$.big\"},"
                                + "\"Branches\":[{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}],"
                                + "\"End\":true}}}",
                        object("big", kib150), null, ExecutionStatus.FAILED, StatesErrors.DATA_LIMIT_EXCEEDED,
                        "The state/task 'Par" + TOO_LARGE, List.of("ParallelStateEntered", "ExecutionFailed")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void payloadQuota(Case c) {
        ExecutionResult result = Interpreter.create().execute(StateMachine.parse(c.definition()), c.input(),
                request -> c.taskResult(), options().build());

        String describe = c.name() + ": " + result.status() + " " + result.error() + " " + result.cause() + " "
                + result.eventTypes();
        assertThat(result.status()).as(describe).isEqualTo(c.status());
        if (c.error() != null) {
            assertThat(result.error()).as(describe).isEqualTo(c.error());
        }
        if (c.cause() != null) {
            assertThat(result.cause()).as(describe).isEqualTo(c.cause());
        }
        List<String> types = result.eventTypes();
        assertThat(types.subList(types.size() - c.lastEventTypes().size(), types.size())).as(describe)
                .isEqualTo(c.lastEventTypes());
    }

    @Test
    void executionInputOver256KiB_isRefusedBeforeAnyEventAsStartExecutionRefusesIt() {
        List<HistoryEvent> heard = new ArrayList<>();
        StateMachine sm = StateMachine.parse(pass("1"));
        JsonNode input = object("data", stringOfBytes(300 * 1024));

        assertThatThrownBy(() -> Interpreter.create().execute(sm, input, request -> null,
                options().listener(heard::add).build()))
                .isInstanceOf(ExecutionInputTooLargeException.class)
                .hasMessageContaining("307,209 bytes")
                .hasMessageContaining("at most 262,144 bytes");
        assertThat(heard).isEmpty();
    }

    @Test
    void quotas_measureCompactUtf8Json() {
        assertThat(Quotas.payloadBytes(MAPPER.createObjectNode().put("a", "é"))).isEqualTo("{\"a\":\"é\"}".length() + 1);
        assertThat(Quotas.exceedsPayload(stringOfBytes(Quotas.PAYLOAD_BYTES))).isFalse();
        assertThat(Quotas.exceedsPayload(stringOfBytes(Quotas.PAYLOAD_BYTES + 1))).isTrue();
    }

    private static ExecutionOptions.Builder options() {
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
        return ExecutionOptions.builder().clock(clock).sleeper(new RecordingSleeper(clock)).randomSeed(7)
                .executionName("quota");
    }
}
