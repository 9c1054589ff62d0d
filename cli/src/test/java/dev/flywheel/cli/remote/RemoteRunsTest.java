package dev.flywheel.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Following an execution: every page of the history, each event once, back-off while nothing happens. */
class RemoteRunsTest {

    /** The recorded history released a few events per poll, served in pages of two. */
    private static class Scripted extends StubExecutions {
        final List<JsonNode> all = new ArrayList<>();
        final int[] visibleAfterPoll;
        int polls;

        Scripted(JsonNode events, int... visibleAfterPoll) {
            super(null, events);
            events.forEach(all::add);
            this.visibleAfterPoll = visibleAfterPoll;
        }

        int visible() {
            return Math.min(all.size(), visibleAfterPoll[Math.min(polls - 1, visibleAfterPoll.length - 1)]);
        }

        @Override
        public Execution describe(String executionArn) {
            polls++;
            calls.add("describe");
            boolean ended = visible() == all.size();
            return new Execution(executionArn, "e", "arn:aws:states:us-east-1:1:stateMachine:t",
                    ended ? "SUCCEEDED" : "RUNNING", "{}", ended ? "{\"promoted\":true}" : null, null, null,
                    Instant.EPOCH, ended ? Instant.EPOCH.plusSeconds(60) : null);
        }

        @Override
        public Page<JsonNode> history(String executionArn, String nextToken) {
            int from = nextToken == null ? 0 : Integer.parseInt(nextToken);
            int to = Math.min(visible(), from + 2);
            calls.add("history@" + from);
            return new Page<>(all.subList(from, to), to < visible() ? Integer.toString(to) : null);
        }
    }

    private static JsonNode succeededHistory() {
        JsonNode events = StepFunctionsHistoryTest.recorded("training-history.json").path("events");
        var list = (com.fasterxml.jackson.databind.node.ArrayNode) events.deepCopy();
        list.addObject().put("id", 30).put("previousEventId", 29).put("type", "ExecutionSucceeded")
                .put("timestamp", "2025-01-01T12:01:00Z")
                .putObject("executionSucceededEventDetails").put("output", "{\"promoted\":true}");
        return list;
    }

    @Test
    void follow_readsEveryPage_handsEachEventOnceInOrder_andBacksOffWhileNothingHappens() {
        Scripted remote = new Scripted(succeededHistory(), 5, 5, 5, 12, 12, 30);
        List<HistoryEvent> seen = new ArrayList<>();
        List<Duration> waits = new ArrayList<>();

        ExecutionResult result = RemoteRuns.follow(remote, "arn:aws:states:us-east-1:1:execution:t:e", seen::add,
                waits::add);

        assertThat(seen).extracting(HistoryEvent::id).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofMillis(2250),
                Duration.ofSeconds(1), Duration.ofMillis(1500));
        assertThat(remote.calls.subList(0, 4)).containsExactly("describe", "history@0", "history@2", "history@4");
        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("promoted").asBoolean()).isTrue();
        assertThat(result.events()).hasSize(30);
    }

    @Test
    void follow_endsOnTheHistorysLastEvent_whenTheDescriptionStillSaysRunning() {
        // moto (not running definitions) describes every execution as RUNNING while its history says it succeeded.
        Scripted remote = new Scripted(succeededHistory(), 30) {
            @Override
            public Execution describe(String executionArn) {
                polls++;
                return new Execution(executionArn, "e", "sm", "RUNNING", "{}", null, null, null, Instant.EPOCH, null);
            }
        };

        ExecutionResult result = RemoteRuns.follow(remote, "arn", e -> { }, d -> {
            throw new AssertionError("no wait: the history says it ended");
        });

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("promoted").asBoolean()).as("the output from ExecutionSucceeded").isTrue();
        assertThat(result.stopDate()).isEqualTo(Instant.parse("2025-01-01T12:01:00Z"));
    }

    @Test
    void statuses_readAsFlywheels_andExecutionNamesAreValidAndUnique() {
        assertThat(RemoteRuns.status("PENDING_REDRIVE")).isEqualTo(ExecutionStatus.FAILED);
        assertThat(RemoteRuns.status("TIMED_OUT")).isEqualTo(ExecutionStatus.TIMED_OUT);
        Instant at = Instant.parse("2025-01-01T12:00:00Z");
        String name = RemoteRuns.executionName(at);
        assertThat(name).matches("cli-20250101T120000Z-[0-9a-f]{8}").hasSizeLessThanOrEqualTo(80);
        assertThat(RemoteRuns.executionName(at)).isNotEqualTo(name);
    }
}
