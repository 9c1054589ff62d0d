package dev.flywheel.statemachines.runtime;

import dev.flywheel.testing.MutableClock;
import dev.flywheel.domain.ExecutionStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InterpreterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FN = "arn:aws:lambda:us-east-1:123456789012:function:Train";

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final List<HistoryEvent> heard = new CopyOnWriteArrayList<>();

    private ExecutionOptions.Builder options() {
        return ExecutionOptions.builder().clock(clock).sleeper(sleeper).randomSeed(7).executionName("test")
                .listener(heard::add);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void retry_succeedsOnThirdAttemptAfterTwoRetryableErrors() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'Train','States':{'Train':{'Type':'Task','Resource':'%s','End':true,
                 'Retry':[{'ErrorEquals':['ThrottlingException'],'IntervalSeconds':1,'BackoffRate':2,'MaxAttempts':3}]}}}
                """.formatted(FN)));
        AtomicInteger calls = new AtomicInteger();
        TaskInvoker invoker = request -> {
            if (calls.incrementAndGet() < 3) {
                throw new TaskFailedException("ThrottlingException", "slow down");
            }
            return json("{'model':'m-1'}");
        };

        ExecutionResult result = Interpreter.create().execute(sm, json("{}"), invoker, options().build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("{'model':'m-1'}"));
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(result.eventTypes()).containsExactly("ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        List<HistoryEvent> scheduled = result.events().stream().filter(e -> e.type().equals("TaskScheduled")).toList();
        assertThat(scheduled.get(0).details().has("retry")).isFalse();
        assertThat(scheduled.get(1).details().at("/retry/attempt").asInt()).isEqualTo(1);
        assertThat(scheduled.get(1).details().at("/retry/delaySeconds").asDouble()).isEqualTo(1.0);
        assertThat(scheduled.get(2).details().at("/retry/delaySeconds").asDouble()).isEqualTo(2.0);
        assertThat(scheduled.get(2).details().at("/retry/error").asText()).isEqualTo("ThrottlingException");
        HistoryEvent failed = result.events().get(4);
        assertThat(failed.details().get("error").asText()).isEqualTo("ThrottlingException");
        assertThat(failed.details().get("cause").asText()).isEqualTo("slow down");
        assertThat(heard).containsExactlyElementsOf(result.events());
    }

    @Test
    void catch_typedErrorGoesToCatcherWithResultPathAndHistoryShowsIt() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'Validate','States':{
                  'Validate':{'Type':'Task','Resource':'%s','Next':'Train',
                    'Catch':[{'ErrorEquals':['DataValidationException'],'ResultPath':'$.error','Next':'Quarantine'}]},
                  'Train':{'Type':'Succeed'},
                  'Quarantine':{'Type':'Pass','End':true}}}
                """.formatted(FN)));
        TaskInvoker invoker = request -> {
            throw TaskFailedException.of(new DataValidationException("column age has 12 nulls"));
        };

        ExecutionResult result = Interpreter.create().execute(sm, json("{'dataset':'s3://b/k'}"), invoker,
                options().build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("{'dataset':'s3://b/k','error':{'Error':'DataValidationException',"
                + "'Cause':'column age has 12 nulls'}}"));
        assertThat(result.eventTypes()).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                "TaskStarted", "TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited",
                "ExecutionSucceeded");
        HistoryEvent exited = result.events().get(5);
        assertThat(exited.details().at("/caught/error").asText()).isEqualTo("DataValidationException");
        assertThat(exited.details().at("/caught/next").asText()).isEqualTo("Quarantine");
        assertThat(result.events().get(6).details().get("name").asText()).isEqualTo("Quarantine");
    }

    @Test
    void invoker_plainRuntimeExceptionIsStatesTaskFailedWithMessageAsCause() {
        StateMachine sm = StateMachine.parse(json("{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r','End':true}}}"));
        ExecutionResult result = Interpreter.create().execute(sm, json("{}"), request -> {
            throw new IllegalArgumentException("bad parameter");
        }, options().build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.TaskFailed");
        assertThat(result.cause()).isEqualTo("bad parameter");
        assertThat(result.output()).isNull();
    }

    @Test
    void map_withMaxConcurrencyTwo_neverRunsMoreThanTwoAtOnce() throws Exception {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'M','States':{'M':{'Type':'Map','MaxConcurrency':2,'End':true,
                  'ItemProcessor':{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'%s','End':true}}}}}}
                """.formatted(FN)));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch twoRunning = new CountDownLatch(1);
        TaskInvoker invoker = request -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            if (now == 2) {
                twoRunning.countDown();
            }
            try {
                // hold the slot until two iterations overlap, so the limit is really exercised
                twoRunning.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return request.parameters();
        };
        JsonNode items = MAPPER.valueToTree(java.util.stream.IntStream.range(0, 20).boxed().toList());

        ExecutionResult result = Interpreter.create().execute(sm, items, invoker, options().build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(items);
        assertThat(peak.get()).isEqualTo(2);
        assertThat(result.eventTypes().stream().filter("MapIterationSucceeded"::equals)).hasSize(20);
    }

    @Test
    void taskTimeout_failsWithStatesTimeoutAndTaskTimedOutEvent() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'%s','TimeoutSeconds':5,'End':true}}}
                """.formatted(FN)));
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Duration> seenTimeout = new AtomicReference<>();
        TaskInvoker invoker = request -> {
            seenTimeout.set(request.timeout());
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };

        ExecutionResult result = Interpreter.create().execute(sm, json("{}"), invoker,
                options().taskTimeoutScale(0.001).build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.Timeout");
        assertThat(seenTimeout.get()).isEqualTo(Duration.ofSeconds(5));
        assertThat(result.eventTypes()).contains("TaskTimedOut").doesNotContain("TaskSucceeded");
    }

    @Test
    void executionTimeout_isTimedOutStatus() {
        StateMachine sm = StateMachine.parse(json("""
                {'TimeoutSeconds':60,'StartAt':'W','States':{'W':{'Type':'Wait','Seconds':3600,'End':true}}}
                """));
        ExecutionResult result = Interpreter.create().execute(sm, json("{}"), r -> null, options().build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(result.output()).isNull();
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(60));
        assertThat(result.eventTypes()).endsWith("ExecutionTimedOut");
    }

    @Test
    void waitForTaskToken_passesTokenToInvokerAndContextAndUsesWaiterOutcome() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'Approve','States':{'Approve':{'Type':'Task',
                  'Resource':'arn:aws:states:::sqs:sendMessage.waitForTaskToken','HeartbeatSeconds':600,
                  'Parameters':{'MessageBody':{'token.$':'$$.Task.Token','model.$':'$.model'}},
                  'ResultPath':'$.approval','End':true}}}
                """));
        AtomicReference<TaskRequest> seen = new AtomicReference<>();
        AtomicReference<Duration> waited = new AtomicReference<>();
        TaskTokenWaiter waiter = (token, heartbeat) -> {
            waited.set(heartbeat);
            assertThat(token).isEqualTo(seen.get().taskToken());
            return json("{'approved':true}");
        };

        ExecutionResult result = Interpreter.create().execute(sm, json("{'model':'m-2'}"), request -> {
            seen.set(request);
            return json("{'MessageId':'ignored'}");
        }, options().taskTokenWaiter(waiter).build());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("{'model':'m-2','approval':{'approved':true}}"));
        assertThat(seen.get().taskToken()).isNotBlank();
        assertThat(seen.get().parameters().at("/MessageBody/token").asText()).isEqualTo(seen.get().taskToken());
        assertThat(seen.get().context().at("/Task/Token").asText()).isEqualTo(seen.get().taskToken());
        assertThat(waited.get()).isEqualTo(Duration.ofSeconds(600));
        assertThat(result.eventTypes()).containsSubsequence("TaskStarted", "TaskSubmitted", "TaskSucceeded");
    }

    @Test
    void waitForTaskToken_waiterFailureIsCatchable() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'Approve','States':{'Approve':{'Type':'Task',
                  'Resource':'arn:aws:states:::lambda:invoke.waitForTaskToken','Next':'Done',
                  'Catch':[{'ErrorEquals':['Rejected'],'Next':'Done'}]},'Done':{'Type':'Pass','End':true}}}
                """));
        ExecutionResult result = Interpreter.create().execute(sm, json("{}"), r -> null,
                options().taskTokenWaiter((t, d) -> {
                    throw new TaskFailedException("Rejected", "reviewer said no");
                }).build());

        assertThat(result.output()).isEqualTo(json("{'Error':'Rejected','Cause':'reviewer said no'}"));
    }

    @Test
    void parallel_branchesRunConcurrently() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'P','States':{'P':{'Type':'Parallel','End':true,'Branches':[
                  {'StartAt':'A','States':{'A':{'Type':'Task','Resource':'a','End':true}}},
                  {'StartAt':'B','States':{'B':{'Type':'Task','Resource':'b','End':true}}}]}}}
                """));
        CountDownLatch both = new CountDownLatch(2);
        TaskInvoker invoker = request -> {
            both.countDown();
            try {
                assertThat(both.await(5, TimeUnit.SECONDS)).as("the other branch ran at the same time").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return MAPPER.getNodeFactory().textNode(request.resource());
        };

        ExecutionResult result = Interpreter.create().execute(sm, json("{}"), invoker, options().build());

        assertThat(result.output()).isEqualTo(json("['a','b']"));
    }

    @Test
    void history_previousEventIdsChainWithinEachIteration() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'M','States':{'M':{'Type':'Map','MaxConcurrency':1,'End':true,
                  'ItemProcessor':{'StartAt':'P','States':{'P':{'Type':'Pass','End':true}}}}}}
                """));
        ExecutionResult result = Interpreter.create().execute(sm, json("[1,2]"), r -> null, options().build());

        List<HistoryEvent> events = result.events();
        long mapStarted = events.stream().filter(e -> e.type().equals("MapStateStarted")).findFirst().orElseThrow().id();
        List<HistoryEvent> iterationStarts = events.stream().filter(e -> e.type().equals("MapIterationStarted")).toList();
        assertThat(iterationStarts).allSatisfy(e -> assertThat(e.previousEventId()).isEqualTo(mapStarted));
        assertThat(events.get(0).previousEventId()).isZero();
        assertThat(events).extracting(HistoryEvent::timestamp).containsOnly(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(result.executionId())
                .isEqualTo("arn:aws:states:us-east-1:123456789012:execution:LocalStateMachine:test");
    }

    @Test
    void retry_fullJitterIsRepeatableWithSeedAndNeverExceedsBackoff() {
        StateMachine sm = StateMachine.parse(json("""
                {'StartAt':'T','States':{'T':{'Type':'Task','Resource':'r','End':true,
                 'Retry':[{'ErrorEquals':['E'],'IntervalSeconds':4,'MaxAttempts':3,'JitterStrategy':'FULL'}]}}}
                """));
        TaskInvoker alwaysFails = r -> {
            throw new TaskFailedException("E", null);
        };
        List<List<Duration>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RecordingSleeper s = new RecordingSleeper(null);
            Interpreter.create().execute(sm, json("{}"), alwaysFails, options().sleeper(s).randomSeed(99).build());
            runs.add(s.sleeps());
        }
        assertThat(runs.get(0)).hasSize(3).isEqualTo(runs.get(1));
        assertThat(runs.get(0).get(0)).isLessThanOrEqualTo(Duration.ofSeconds(4));
        assertThat(runs.get(0).get(2)).isLessThanOrEqualTo(Duration.ofSeconds(16));
    }

    @Test
    void parse_rejectsMissingNextWithStateName() {
        assertThatThrownBy(() -> StateMachine.parse("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"r\"}}}"))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("State 'A'")
                .hasMessageContaining("Next");
        assertThatThrownBy(() -> StateMachine.parse("not json")).isInstanceOf(InvalidDefinitionException.class);
    }

    @Test
    void parse_validatesNestedScopes() {
        assertThatThrownBy(() -> StateMachine.parse(json("""
                {'StartAt':'M','States':{'M':{'Type':'Map','End':true,
                  'ItemProcessor':{'StartAt':'X','States':{'P':{'Type':'Pass','End':true}}}}}}
                """))).isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("StartAt 'X'");
    }

    /** A typed domain error, as STYLE.md asks handlers to throw. */
    static final class DataValidationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DataValidationException(String message) {
            super(message);
        }
    }
}
