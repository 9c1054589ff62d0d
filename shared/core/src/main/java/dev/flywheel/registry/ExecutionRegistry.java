package dev.flywheel.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Item;
import dev.flywheel.store.MetadataTable.Put;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * State machine executions with their event histories, and the task tokens of executions waiting for a
 * callback (manual approval).
 *
 * <p>Histories are stored compactly (item shapes in {@code docs/dynamodb.md}):
 * <ul>
 *   <li>Events are written in <b>pages</b>: one item holds a run of consecutive events, up to
 *       {@value #PAGE_BYTES} bytes, and a {@link HistoryWriter} writes up to {@value #MAX_WRITE_ITEMS} items per
 *       transaction, so a Map of thousands of items costs a few writes rather than one durable write per event.</li>
 *   <li><b>Payloads are stored once</b>: a field of an event's details (a state's input or output, a task's
 *       parameters or result...) or of the execution header that is larger than {@value #INLINE_BYTES} bytes is
 *       written once per execution as a {@code PAYLOAD#<sha256>} item, and events refer to it by hash. A state's
 *       output is also the next state's input, a Map iteration's output and often the execution's output: it is
 *       stored once, and the history reads back exactly as it was recorded (nothing is truncated).</li>
 *   <li>No item is larger than {@value #MAX_BODY_BYTES} bytes of body, below DynamoDB's 400 KB item limit: a
 *       payload above that is split into {@code PAYLOAD#<sha256>#<part>} items.</li>
 * </ul>
 * Histories written one item per event (before pages existed) read back unchanged.
 */
public final class ExecutionRegistry {
    /** A field of this many bytes of JSON or fewer stays in its event; a larger one is stored once, by hash. */
    public static final int INLINE_BYTES = 1024;
    /** The most bytes of events in one history page (a page closes at the first event that would overflow it). */
    public static final int PAGE_BYTES = 64 * 1024;
    /** The most bytes of one item's body: DynamoDB's item limit is 400 KB, keys and attribute names included. */
    public static final int MAX_BODY_BYTES = 350_000;
    /** The most items in one transactional write (the {@link MetadataTable} port's limit). */
    public static final int MAX_WRITE_ITEMS = 25;
    /** The most bytes of bodies in one transactional write: DynamoDB's TransactWriteItems takes at most 4 MB. */
    public static final int MAX_WRITE_BYTES = 3_000_000;

    private static final String HEADER = "EXECUTION";
    private static final String EVENT = "EVENT#";
    private static final String PAYLOAD = "PAYLOAD#";
    private static final String INDEX = "EXECUTIONS";
    /** The reference key for "all the fields left": used when even the small fields add up past a page. */
    private static final String REST = "";
    private static final int SHA256_HEX = 64;

    private final MetadataTable table;

    public ExecutionRegistry(MetadataTable table) {
        this.table = table;
    }

    /** Records a new execution (its events, if any, are added with a {@link #historyWriter}). */
    public void start(ExecutionRecord execution) {
        String pk = Keys.execution(execution.id());
        Compacted header = compact(Json.toTree(withoutEvents(execution)), Set.of());
        writeItems(payloadPuts(pk, header.payloads()));
        String body = header.headerBody();
        table.write(List.of(
                new Put(pk, HEADER, body, Condition.ABSENT),
                new Put(INDEX, indexKey(execution), body, Condition.ABSENT)));
    }

    /** Appends one event at once, in one write; a {@link #historyWriter} batches many. */
    public void appendEvent(String executionId, ExecutionEvent event) {
        HistoryWriter writer = historyWriter(executionId);
        writer.append(event);
        writer.flush();
    }

    /**
     * A writer for the history of one started execution: it batches events into pages and stores each large
     * payload once. Give it the events in id order.
     */
    public HistoryWriter historyWriter(String executionId) {
        Item header = table.get(Keys.execution(executionId), HEADER)
                .orElseThrow(() -> new NotFoundException("no execution with id '" + executionId + "'"));
        return new HistoryWriter(executionId, references(Json.tree(header.body())).values());
    }

    /** Records the final status, output or error of an execution. */
    public void finish(ExecutionRecord execution) {
        String pk = Keys.execution(execution.id());
        Item header = table.get(pk, HEADER)
                .orElseThrow(() -> new NotFoundException("no execution with id '" + execution.id() + "'"));
        Item index = table.get(INDEX, indexKey(execution)).orElseThrow();
        Compacted compacted = compact(Json.toTree(withoutEvents(execution)),
                Set.copyOf(references(Json.tree(header.body())).values()));
        writeItems(payloadPuts(pk, compacted.payloads()));
        String body = compacted.headerBody();
        table.write(List.of(
                new Put(pk, HEADER, body, Condition.revision(header.revision())),
                new Put(INDEX, indexKey(execution), body, Condition.revision(index.revision()))));
    }

    /** The execution with its whole history, events in order. */
    public Optional<ExecutionRecord> find(String id) {
        String pk = Keys.execution(id);
        return table.get(pk, HEADER).map(item -> {
            JsonNode headerNode = Json.tree(item.body());
            List<JsonNode> pages = table.query(pk, EVENT, false, 0).stream().map(e -> Json.tree(e.body())).toList();
            Set<String> wanted = new HashSet<>(references(headerNode).values());
            for (JsonNode page : pages) {
                for (JsonNode event : eventsOf(page)) {
                    wanted.addAll(references(event).values());
                }
            }
            Map<String, JsonNode> payloads = payloads(pk, wanted);
            ExecutionRecord header = Json.convert(expandHeader(headerNode, payloads), ExecutionRecord.class);
            List<ExecutionEvent> events = new ArrayList<>();
            for (JsonNode page : pages) {
                for (JsonNode event : eventsOf(page)) {
                    events.add(Json.convert(expandEvent(event, payloads), ExecutionEvent.class));
                }
            }
            return new ExecutionRecord(header.id(), header.stateMachine(), header.status(), header.input(),
                    header.output(), header.error(), header.cause(), header.startedAt(), header.stoppedAt(), events,
                    header.owner());
        });
    }

    public ExecutionRecord get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("no execution with id '" + id + "'"));
    }

    /** Executions newest first, without their events. @param limit 0 for all */
    public List<ExecutionRecord> list(int limit) {
        return table.query(INDEX, "", true, limit).stream().map(item -> header(Json.tree(item.body()))).toList();
    }

    /** The execution without its events (cheaper than {@link #find} for a long history). */
    public Optional<ExecutionRecord> summary(String id) {
        return table.get(Keys.execution(id), HEADER).map(item -> header(Json.tree(item.body())));
    }

    private ExecutionRecord header(JsonNode node) {
        Map<String, String> refs = references(node);
        Map<String, JsonNode> payloads = refs.isEmpty() ? Map.of()
                : payloads(Keys.execution(node.path("id").asText()), Set.copyOf(refs.values()));
        return Json.convert(expandHeader(node, payloads), ExecutionRecord.class);
    }

    /**
     * Records a RUNNING execution as ABORTED with {@code cause}: for an execution whose process was stopped or is
     * gone. Its history stays as it was recorded.
     *
     * @throws IllegalStateException when the execution ended already
     */
    public ExecutionRecord abort(String id, String cause, Instant at) {
        ExecutionRecord current = summary(id).orElseThrow(() -> new NotFoundException("no execution with id '" + id
                + "'"));
        if (current.status().isTerminal()) {
            throw new IllegalStateException("execution " + id + " ended already (" + current.status() + ")");
        }
        ExecutionRecord aborted = current.stopped(ExecutionStatus.ABORTED, "Flywheel.Aborted", cause, at);
        finish(aborted);
        return aborted;
    }

    /**
     * Batches the events of one execution into history pages and writes them, with the payloads they refer to, in
     * as few transactional writes as the item and transaction limits allow. {@link #append} writes by itself once a
     * transaction's worth of items is ready; {@link #flush} writes whatever is buffered (call it before the
     * execution waits on someone else, and at its end: {@link #close} does). Thread-safe.
     */
    public final class HistoryWriter implements AutoCloseable {
        private final String pk;
        private final Set<String> storedPayloads;
        private final Map<String, String> pendingPayloads = new LinkedHashMap<>();
        private final List<Put> sealedPages = new ArrayList<>();
        private final List<String> page = new ArrayList<>();
        private long pageFirstId;
        private long pageBytes;
        private long pendingBytes;

        private HistoryWriter(String executionId, Collection<String> storedPayloads) {
            this.pk = Keys.execution(executionId);
            this.storedPayloads = new HashSet<>(storedPayloads);
        }

        /** Buffers one event; writes the buffer when it holds a full transaction. */
        public synchronized void append(ExecutionEvent event) {
            JsonNode details = event.details();
            Map<String, String> refs = null;
            if (details != null && details.isObject()) {
                Compacted compacted = compact(details, storedPayloads);
                compacted.payloads().forEach((sha, text) -> {
                    if (pendingPayloads.putIfAbsent(sha, text) == null) {
                        pendingBytes += text.length();
                    }
                });
                details = compacted.inline();
                refs = compacted.references().isEmpty() ? null : compacted.references();
            }
            String text = Json.write(new StoredEvent(event.id(), event.previousEventId(), event.type(),
                    event.timestamp(), details, refs));
            int bytes = utf8Length(text) + 1;
            if (!page.isEmpty() && pageBytes + bytes > PAGE_BYTES) {
                sealPage();
            }
            if (page.isEmpty()) {
                pageFirstId = event.id();
            }
            page.add(text);
            pageBytes += bytes;
            if (sealedPages.size() + pendingPayloads.size() >= MAX_WRITE_ITEMS || pendingBytes >= MAX_WRITE_BYTES) {
                flush();
            }
        }

        /** Writes every buffered event and payload; nothing when the buffer is empty. */
        public synchronized void flush() {
            if (!page.isEmpty()) {
                sealPage();
            }
            if (sealedPages.isEmpty() && pendingPayloads.isEmpty()) {
                return;
            }
            List<Put> payloadPuts = new ArrayList<>();
            pendingPayloads.forEach((sha, text) -> payloadPuts.addAll(payloadItems(pk, sha, text)));
            // Payloads first: a reader never meets a reference to a payload that is not there yet.
            writeItems(payloadPuts);
            writeItems(sealedPages);
            storedPayloads.addAll(pendingPayloads.keySet());
            pendingPayloads.clear();
            sealedPages.clear();
            pendingBytes = 0;
        }

        /** Flushes. */
        @Override
        public void close() {
            flush();
        }

        private void sealPage() {
            String body = "{\"events\":[" + String.join(",", page) + "]}";
            sealedPages.add(new Put(pk, EVENT + Keys.pad(pageFirstId), body, Condition.ABSENT));
            pendingBytes += body.length();
            page.clear();
            pageBytes = 0;
        }
    }

    /** An event as a page holds it: details without the fields stored by hash, and those fields' hashes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record StoredEvent(long id, long previousEventId, String type, Instant timestamp, JsonNode details,
                               Map<String, String> payloads) {
    }

    /**
     * An object made compact: {@code inline} is the object with each large field's value replaced by null (so the
     * fields keep their order), {@code references} maps those fields to the sha256 of their JSON, and
     * {@code payloads} maps each hash not stored yet to the JSON text to store.
     */
    private record Compacted(ObjectNode inline, Map<String, String> references, Map<String, String> payloads) {
        /** The body of an execution header item: the inline fields and {@code "payloads": {field: sha256}}. */
        String headerBody() {
            if (references.isEmpty()) {
                return Json.write(inline);
            }
            ObjectNode body = inline.deepCopy();
            ObjectNode refs = body.putObject("payloads");
            references.forEach(refs::put);
            return Json.write(body);
        }
    }

    /**
     * Moves the fields of {@code object} larger than {@link #INLINE_BYTES} out, by hash; if the fields left still
     * take more than a quarter of a page, they go out together too (under the reference key {@code ""}).
     *
     * @param stored hashes already stored: not returned again as payloads to write
     */
    private static Compacted compact(JsonNode object, Collection<String> stored) {
        ObjectNode inline = Json.object();
        Map<String, String> references = new LinkedHashMap<>();
        Map<String, String> payloads = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String text = Json.write(field.getValue());
            if (utf8Length(text) > INLINE_BYTES) {
                String sha = Hashing.sha256(text);
                references.put(field.getKey(), sha);
                if (!stored.contains(sha)) {
                    payloads.put(sha, text);
                }
                inline.putNull(field.getKey());
            } else {
                inline.set(field.getKey(), field.getValue());
            }
        }
        String rest = Json.write(inline);
        if (utf8Length(rest) > PAGE_BYTES / 4) {
            String sha = Hashing.sha256(rest);
            references.put(REST, sha);
            if (!stored.contains(sha)) {
                payloads.put(sha, rest);
            }
            inline = Json.object();
        }
        return new Compacted(inline, references, payloads);
    }

    /** The {@code field -> sha256} references of a stored header or event (empty for old, uncompacted items). */
    private static Map<String, String> references(JsonNode stored) {
        Map<String, String> refs = new LinkedHashMap<>();
        stored.path("payloads").fields().forEachRemaining(e -> refs.put(e.getKey(), e.getValue().asText()));
        return refs;
    }

    /** A stored header with its payload references (a {@code payloads} field) replaced by the payloads. */
    private static JsonNode expandHeader(JsonNode stored, Map<String, JsonNode> payloads) {
        if (!stored.has("payloads")) {
            return stored;
        }
        ObjectNode header = ((ObjectNode) stored).deepCopy();
        header.remove("payloads");
        return expand(header, references(stored), payloads);
    }

    /** A stored event with the references of its {@code payloads} field put back into its details. */
    private static JsonNode expandEvent(JsonNode stored, Map<String, JsonNode> payloads) {
        if (!stored.has("payloads")) {
            return stored;
        }
        ObjectNode event = ((ObjectNode) stored).deepCopy();
        event.remove("payloads");
        ObjectNode details = event.path("details").isObject() ? (ObjectNode) event.get("details") : Json.object();
        event.set("details", expand(details, references(stored), payloads));
        return event;
    }

    private static ObjectNode expand(ObjectNode inline, Map<String, String> references, Map<String, JsonNode> payloads) {
        if (references.containsKey(REST)) {
            inline.setAll((ObjectNode) payload(payloads, REST, references.get(REST)));
        }
        references.forEach((field, sha) -> {
            if (!field.equals(REST)) {
                inline.set(field, payload(payloads, field, sha));
            }
        });
        return inline;
    }

    private static JsonNode payload(Map<String, JsonNode> payloads, String field, String sha) {
        JsonNode value = payloads.get(sha);
        if (value == null) {
            throw new IllegalStateException("payload " + sha + " of field '" + field + "' is missing from the store");
        }
        return value;
    }

    /** The events of a history item: a page's, or the one event of an item written before pages existed. */
    private static List<JsonNode> eventsOf(JsonNode item) {
        JsonNode events = item.get("events");
        if (events != null && events.isArray()) {
            List<JsonNode> list = new ArrayList<>(events.size());
            events.forEach(list::add);
            return list;
        }
        return List.of(item);
    }

    /** Reads the payloads {@code wanted} (hashes) of one execution. */
    private Map<String, JsonNode> payloads(String pk, Set<String> wanted) {
        if (wanted.isEmpty()) {
            return Map.of();
        }
        List<Item> items = new ArrayList<>();
        if (wanted.size() <= 2) {
            wanted.forEach(sha -> items.addAll(table.query(pk, PAYLOAD + sha, false, 0)));
        } else {
            items.addAll(table.query(pk, PAYLOAD, false, 0));
        }
        Map<String, StringBuilder> parts = new LinkedHashMap<>();
        Map<String, JsonNode> payloads = new HashMap<>();
        for (Item item : items) {
            String sha = item.sk().substring(PAYLOAD.length(), PAYLOAD.length() + SHA256_HEX);
            if (!wanted.contains(sha)) {
                continue;
            }
            if (item.sk().length() == PAYLOAD.length() + SHA256_HEX) {
                payloads.put(sha, Json.tree(item.body()));
            } else {
                parts.computeIfAbsent(sha, s -> new StringBuilder()).append(Json.read(item.body(), String.class));
            }
        }
        parts.forEach((sha, text) -> payloads.put(sha, Json.tree(text.toString())));
        return payloads;
    }

    private static List<Put> payloadPuts(String pk, Map<String, String> payloads) {
        List<Put> puts = new ArrayList<>();
        payloads.forEach((sha, text) -> puts.addAll(payloadItems(pk, sha, text)));
        return puts;
    }

    /**
     * The items of one payload: {@code PAYLOAD#<sha>} with the JSON as body when it fits one item, else
     * {@code PAYLOAD#<sha>#0001...} whose bodies are JSON strings that concatenate to the payload's JSON. Written
     * unconditionally: the content defines the key, so writing it twice changes nothing.
     */
    private static List<Put> payloadItems(String pk, String sha, String text) {
        if (utf8Length(text) <= MAX_BODY_BYTES) {
            return List.of(new Put(pk, PAYLOAD + sha, text, Condition.ANY));
        }
        List<Put> parts = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = start;
            long bytes = 2;
            while (end < text.length()) {
                long width = escapedWidth(text.charAt(end));
                if (bytes + width > MAX_BODY_BYTES) {
                    break;
                }
                bytes += width;
                end++;
            }
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            parts.add(new Put(pk, PAYLOAD + sha + "#" + String.format("%04d", parts.size() + 1),
                    Json.write(text.substring(start, end)), Condition.ANY));
            start = end;
        }
        return parts;
    }

    /** The most bytes a character can take inside a JSON string written by Jackson, in UTF-8. */
    private static long escapedWidth(char c) {
        if (c == '"' || c == '\\') {
            return 2;
        }
        if (c < 0x20) {
            return 6;
        }
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800 || Character.isSurrogate(c)) {
            return 2;
        }
        return 3;
    }

    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** Writes {@code puts} in transactions of at most {@link #MAX_WRITE_ITEMS} items and {@link #MAX_WRITE_BYTES}. */
    private void writeItems(List<Put> puts) {
        List<MetadataTable.Write> batch = new ArrayList<>();
        long bytes = 0;
        for (Put put : puts) {
            int size = utf8Length(put.body());
            if (!batch.isEmpty() && (batch.size() == MAX_WRITE_ITEMS || bytes + size > MAX_WRITE_BYTES)) {
                table.write(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(put);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            table.write(batch);
        }
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
        summary(waiting.executionId()).ifPresent(execution -> {
            if (execution.status().isTerminal()) {
                throw new IllegalStateException("execution " + execution.id() + " is not waiting: it is "
                        + execution.status() + (execution.cause() == null ? "" : " (" + execution.cause() + ")"));
            }
            if (execution.abandoned()) {
                throw new IllegalStateException("execution " + execution.id() + " is not waiting: its "
                        + execution.owner().describe() + " is gone, so nothing would go on; `flywheel executions "
                        + "abort " + execution.id() + "` records it as aborted");
            }
        });
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
                e.startedAt(), e.stoppedAt(), List.of(), e.owner());
    }

    private static String indexKey(ExecutionRecord execution) {
        return execution.startedAt() + "#" + execution.id();
    }
}
