package dev.flywheel.statemachines.runtime;

import dev.flywheel.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the table-driven cases under {@code src/test/resources/conformance/}. Each case: {@code name}, {@code source}
 * (the AWS documentation section it reproduces), {@code definition}, {@code input}, optional {@code invokers}
 * (see {@link ScriptedInvoker}), optional {@code options} ({@code executionName}, {@code stateMachineName},
 * {@code startTime}), and {@code expected}: {@code status}, {@code output}, {@code error}, {@code cause},
 * {@code causeContains}, {@code eventTypes}, {@code eventCount}, {@code lastEventTypes} (the history's last event types),
 * {@code sleeps} (seconds), {@code calls} (per resource), or
 * {@code invalidDefinition} (a message fragment) for definitions that must be rejected.
 */
class ConformanceTest {
    static final List<String> TOPICS = List.of("paths", "choice", "map", "parallel", "retry-catch", "intrinsics",
            "errors", "context", "limits");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TestFactory
    Stream<DynamicNode> conformanceCases() {
        return TOPICS.stream().map(topic -> DynamicContainer.dynamicContainer(topic,
                cases(topic).stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> run(c)))));
    }

    @Test
    void conformanceSuite_hasAtLeastEightyCasesWithUniqueNamesAndSources() {
        List<String> names = new ArrayList<>();
        for (String topic : TOPICS) {
            for (JsonNode c : cases(topic)) {
                assertThat(c.hasNonNull("source")).as("source of %s", c.get("name")).isTrue();
                names.add(topic + "/" + c.get("name").asText());
            }
        }
        assertThat(names).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(80);
    }

    static List<JsonNode> cases(String topic) {
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/" + topic + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing conformance/" + topic + ".json");
            }
            JsonNode root = MAPPER.readTree(in);
            List<JsonNode> out = new ArrayList<>();
            root.get("cases").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read conformance/" + topic + ".json", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 1000) + " ... " + text.substring(text.length() - 1000) : text;
    }

    private static void run(JsonNode c) {
        JsonNode expected = c.get("expected");
        if (expected.has("invalidDefinition")) {
            assertThatThrownBy(() -> StateMachine.parse(c.get("definition")))
                    .isInstanceOf(InvalidDefinitionException.class)
                    .hasMessageContaining(expected.get("invalidDefinition").asText());
            return;
        }
        StateMachine sm = StateMachine.parse(c.get("definition"));
        JsonNode opts = c.path("options");
        MutableClock clock = new MutableClock(Instant.parse(opts.path("startTime").asText("2024-01-01T00:00:00Z")));
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        ExecutionOptions.Builder builder = ExecutionOptions.builder()
                .clock(clock)
                .sleeper(sleeper)
                .randomSeed(42)
                .taskTimeoutScale(0.01)
                .executionName(opts.path("executionName").asText("conformance-run"))
                .stateMachineName(opts.path("stateMachineName").asText("ConformanceMachine"));
        ScriptedInvoker invoker = new ScriptedInvoker(c.get("invokers"));
        ExecutionResult result = Interpreter.create().execute(sm, c.get("input"), invoker, builder.build());

        String describe = abbreviate(c.get("name").asText() + " -> " + result.status() + " " + result.error() + " "
                + result.cause() + " output=" + result.output() + " events=" + result.eventTypes());
        assertThat(result.status().name()).as(describe).isEqualTo(expected.path("status").asText("SUCCEEDED"));
        if (expected.has("output")) {
            assertThat(JsonEquivalence.equivalent(result.output(), expected.get("output")))
                    .as("output of %s: expected %s but was %s", c.get("name"), expected.get("output"), result.output())
                    .isTrue();
        }
        if (expected.has("error")) {
            assertThat(result.error()).as(describe).isEqualTo(expected.get("error").asText());
        }
        if (expected.has("cause")) {
            assertThat(result.cause()).as(describe).isEqualTo(expected.get("cause").asText());
        }
        if (expected.has("causeContains")) {
            assertThat(result.cause()).as(describe).contains(expected.get("causeContains").asText());
        }
        if (expected.has("eventTypes")) {
            List<String> types = new ArrayList<>();
            expected.get("eventTypes").forEach(t -> types.add(t.asText()));
            assertThat(result.eventTypes()).as(describe).containsExactlyElementsOf(types);
        }
        if (expected.has("eventCount")) {
            assertThat(result.events()).as(describe).hasSize(expected.get("eventCount").asInt());
        }
        if (expected.has("lastEventTypes")) {
            List<String> types = new ArrayList<>();
            expected.get("lastEventTypes").forEach(t -> types.add(t.asText()));
            List<String> actual = result.eventTypes();
            assertThat(actual.subList(Math.max(0, actual.size() - types.size()), actual.size())).isEqualTo(types);
        }
        if (expected.has("sleeps")) {
            List<Double> sleeps = new ArrayList<>();
            expected.get("sleeps").forEach(t -> sleeps.add(t.asDouble()));
            assertThat(sleeper.seconds()).as(describe).containsExactlyElementsOf(sleeps);
        }
        if (expected.has("calls")) {
            expected.get("calls").fields().forEachRemaining(e ->
                    assertThat(invoker.calls(e.getKey())).as("calls to %s in %s", e.getKey(), describe)
                            .isEqualTo(e.getValue().asInt()));
        }
        for (int i = 1; i < result.events().size(); i++) {
            assertThat(result.events().get(i).id()).isEqualTo(i + 1L);
            assertThat(result.events().get(i).previousEventId()).isLessThan(result.events().get(i).id());
        }
    }
}
