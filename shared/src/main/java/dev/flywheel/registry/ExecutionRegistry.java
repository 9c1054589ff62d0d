package dev.flywheel.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Item;
import dev.flywheel.store.MetadataTable.Put;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * State machine executions with their event histories, and the task tokens of executions waiting for a
 * callback (manual approval). Events are stored one item each, as they happen, so a long history never hits an
 * item size limit and a crashed execution still shows how far it got.
 */
public final class ExecutionRegistry {
    private static final String HEADER = "EXECUTION";
    private static final String EVENT = "EVENT#";
    private static final String INDEX = "EXECUTIONS";

    private final MetadataTable table;

    public ExecutionRegistry(MetadataTable table) {
        this.table = table;
    }

    /** Records a new execution (its events, if any, are added with {@link #appendEvent}). */
    public void start(ExecutionRecord execution) {
        String body = Json.write(withoutEvents(execution));
        table.write(List.of(
                new Put(Keys.execution(execution.id()), HEADER, body, Condition.ABSENT),
                new Put(INDEX, indexKey(execution), body, Condition.ABSENT)));
    }

    public void appendEvent(String executionId, ExecutionEvent event) {
        table.write(new Put(Keys.execution(executionId), EVENT + Keys.pad(event.id()), Json.write(event),
                Condition.ABSENT));
    }

    /** Records the final status, output or error of an execution. */
    public void finish(ExecutionRecord execution) {
        Item header = table.get(Keys.execution(execution.id()), HEADER)
                .orElseThrow(() -> new NotFoundException("no execution with id '" + execution.id() + "'"));
        Item index = table.get(INDEX, indexKey(execution)).orElseThrow();
        String body = Json.write(withoutEvents(execution));
        table.write(List.of(
                new Put(Keys.execution(execution.id()), HEADER, body, Condition.revision(header.revision())),
                new Put(INDEX, indexKey(execution), body, Condition.revision(index.revision()))));
    }

    /** The execution with its whole history, events in order. */
    public Optional<ExecutionRecord> find(String id) {
        return table.get(Keys.execution(id), HEADER).map(item -> {
            ExecutionRecord header = Json.read(item.body(), ExecutionRecord.class);
            List<ExecutionEvent> events = table.query(Keys.execution(id), EVENT, false, 0).stream()
                    .map(e -> Json.read(e.body(), ExecutionEvent.class)).toList();
            return new ExecutionRecord(header.id(), header.stateMachine(), header.status(), header.input(),
                    header.output(), header.error(), header.cause(), header.startedAt(), header.stoppedAt(), events);
        });
    }

    public ExecutionRecord get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("no execution with id '" + id + "'"));
    }

    /** Executions newest first, without their events. @param limit 0 for all */
    public List<ExecutionRecord> list(int limit) {
        return table.query(INDEX, "", true, limit).stream()
                .map(item -> Json.read(item.body(), ExecutionRecord.class)).toList();
    }

    /** A task token an execution waits on, and how it was answered. */
    public record TaskToken(String token, String executionId, String stateName, ExecutionStatus status,
                            JsonNode output, String error, String cause, Instant createdAt) {
    }

    public void createTaskToken(String token, String executionId, String stateName, Instant now) {
        table.write(new Put(Keys.taskToken(token), "TOKEN", Json.write(new TaskToken(token, executionId, stateName,
                ExecutionStatus.RUNNING, null, null, null, now)), Condition.ABSENT));
    }

    public Optional<TaskToken> findTaskToken(String token) {
        return table.get(Keys.taskToken(token), "TOKEN").map(item -> Json.read(item.body(), TaskToken.class));
    }

    /** Answers a waiting token with success. @throws IllegalStateException if it was answered already */
    public TaskToken succeedTaskToken(String token, JsonNode output) {
        return answer(token, ExecutionStatus.SUCCEEDED, output, null, null);
    }

    /** Answers a waiting token with failure. @throws IllegalStateException if it was answered already */
    public TaskToken failTaskToken(String token, String error, String cause) {
        return answer(token, ExecutionStatus.FAILED, null, error, cause);
    }

    private TaskToken answer(String token, ExecutionStatus status, JsonNode output, String error, String cause) {
        Item item = table.get(Keys.taskToken(token), "TOKEN")
                .orElseThrow(() -> new NotFoundException("no task token '" + token + "': check the token you pasted"));
        TaskToken waiting = Json.read(item.body(), TaskToken.class);
        if (waiting.status() != ExecutionStatus.RUNNING) {
            throw new IllegalStateException("task token '" + token + "' was answered already (" + waiting.status() + ")");
        }
        TaskToken answered = new TaskToken(token, waiting.executionId(), waiting.stateName(), status, output, error,
                cause, waiting.createdAt());
        try {
            table.write(new Put(Keys.taskToken(token), "TOKEN", Json.write(answered),
                    Condition.revision(item.revision())));
        } catch (ConditionFailedException e) {
            throw new IllegalStateException("task token '" + token + "' was answered concurrently", e);
        }
        return answered;
    }

    private static ExecutionRecord withoutEvents(ExecutionRecord e) {
        return new ExecutionRecord(e.id(), e.stateMachine(), e.status(), e.input(), e.output(), e.error(), e.cause(),
                e.startedAt(), e.stoppedAt(), List.of());
    }

    private static String indexKey(ExecutionRecord execution) {
        return execution.startedAt() + "#" + execution.id();
    }
}
