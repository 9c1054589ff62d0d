package dev.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.domain.ExecutionRecord;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Item;
import dev.flywheel.store.MetadataTable.Put;
import dev.flywheel.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How executions and their histories are stored, over every {@link MetadataTable} adapter: pages of events, each
 * large payload once, every item within DynamoDB's 400 KB, and the history read back exactly as it was written.
 */
public abstract class ExecutionRegistryContract {
    /** DynamoDB's item size limit (400 KB, attribute names and values included). */
    static final int DYNAMODB_ITEM_LIMIT = 400 * 1024;

    private MetadataTable table;
    private ExecutionRegistry executions;

    /** A fresh, empty table. */
    protected abstract MetadataTable table();

    @BeforeEach
    void open() {
        table = table();
        executions = new ExecutionRegistry(table);
    }

    private ExecutionRecord running(String id, JsonNode input) {
        ExecutionRecord record = new ExecutionRecord(id, "machine", ExecutionStatus.RUNNING, input, null, null, null,
                Fixtures.T0, null, List.of());
        executions.start(record);
        return record;
    }

    private static ExecutionEvent event(long id, String type, JsonNode details) {
        return new ExecutionEvent(id, id - 1, type, Fixtures.T0.plusMillis(id), details);
    }

    /** A JSON object of about {@code bytes} bytes. */
    private static ObjectNode payload(String tag, int bytes) {
        ObjectNode node = Json.object().put("tag", tag);
        ArrayNode rows = node.putArray("rows");
        for (int i = 0, size = 0; size < bytes; i++) {
            ObjectNode row = rows.addObject().put("id", i).put("name", "row-" + i + "-" + tag);
            size += row.toString().length() + 1;
        }
        return node;
    }

    private List<Item> items(String executionId, String skPrefix) {
        return table.query(Keys.execution(executionId), skPrefix, false, 0);
    }

    @Test
    void history_ofThousandsOfEventsIsWrittenInPagesAndReadsBackInOrder() {
        running("many", Json.object());
        List<ExecutionEvent> written = new ArrayList<>();
        try (ExecutionRegistry.HistoryWriter writer = executions.historyWriter("many")) {
            for (int i = 1; i <= 5000; i++) {
                ObjectNode details = Json.object().put("name", "P").put("index", i);
                details.putObject("output").put("value", i);
                ExecutionEvent e = event(i, i % 2 == 0 ? "PassStateExited" : "PassStateEntered", details);
                written.add(e);
                writer.append(e);
            }
        }

        assertThat(executions.get("many").events()).containsExactlyElementsOf(written);
        assertThat(items("many", "EVENT#")).hasSizeLessThan(20);
    }

    @Test
    void largePayloads_areStoredOnceAndReadBackExactly() {
        ObjectNode big = payload("state", 200 * 1024);
        ExecutionRecord started = running("dedup", big);
        List<ExecutionEvent> written = List.of(
                event(1, "ExecutionStarted", Json.object().<ObjectNode>set("input", big).put("name", "dedup")),
                event(2, "PassStateEntered", Json.object().put("name", "P").set("input", big)),
                event(3, "PassStateExited", Json.object().put("name", "P").set("output", big)),
                event(4, "ExecutionSucceeded", Json.object().set("output", big)));
        try (ExecutionRegistry.HistoryWriter writer = executions.historyWriter("dedup")) {
            written.forEach(writer::append);
        }
        executions.finish(new ExecutionRecord("dedup", "machine", ExecutionStatus.SUCCEEDED, big, big, null, null,
                started.startedAt(), Fixtures.T0.plusSeconds(1), List.of()));

        ExecutionRecord stored = executions.get("dedup");
        assertThat(stored.input()).isEqualTo(big);
        assertThat(stored.output()).isEqualTo(big);
        assertThat(stored.events()).containsExactlyElementsOf(written);
        assertThat(stored.events().get(2).details().fieldNames()).toIterable().containsExactly("name", "output");
        assertThat(items("dedup", "PAYLOAD#")).hasSize(1);
        assertThat(executions.list(0)).singleElement().satisfies(e -> assertThat(e.input()).isEqualTo(big));
    }

    @Test
    void noItemExceedsTheDynamoDbItemLimit_evenForPayloadsOverTheStepFunctionsQuota() {
        // 1.2 MB of JSON with quotes, multi-byte and control characters: stored in parts of at most 350,000 bytes.
        StringBuilder text = new StringBuilder();
        while (text.length() < 400_000) {
            text.append("a \"quoted\" é and 😀 and a tab\t, ");
        }
        ObjectNode huge = Json.object().put("text", text.toString());
        huge.set("more", payload("huge", 300 * 1024));
        ObjectNode manyFields = Json.object();
        for (int i = 0; i < 100; i++) {
            manyFields.put("field" + i, "v".repeat(900));
        }
        ExecutionRecord started = running("huge", huge);
        List<ExecutionEvent> written = List.of(
                event(1, "ExecutionStarted", Json.object().set("input", huge)),
                event(2, "TaskScheduled", manyFields),
                event(3, "TaskSucceeded", Json.object().put("resource", "r").set("output", TextNode.valueOf(text.toString()))),
                event(4, "ExecutionSucceeded", Json.object().set("output", huge)));
        try (ExecutionRegistry.HistoryWriter writer = executions.historyWriter("huge")) {
            written.forEach(writer::append);
        }
        executions.finish(new ExecutionRecord("huge", "machine", ExecutionStatus.SUCCEEDED, huge, huge, null,
                "x".repeat(50_000), started.startedAt(), Fixtures.T0.plusSeconds(1), List.of()));

        ExecutionRecord stored = executions.get("huge");
        assertThat(stored.input()).isEqualTo(huge);
        assertThat(stored.cause()).hasSize(50_000);
        assertThat(stored.events()).containsExactlyElementsOf(written);
        List<Item> all = new ArrayList<>(items("huge", ""));
        all.addAll(table.query("EXECUTIONS", "", false, 0));
        assertThat(all).hasSizeGreaterThan(4).allSatisfy(item ->
                assertThat(dynamoDbItemSize(item)).as("item %s", item.sk()).isLessThan(DYNAMODB_ITEM_LIMIT));
    }

    @Test
    void historiesWrittenOneItemPerEvent_stillReadBack() {
        ExecutionRecord old = new ExecutionRecord("old", "machine", ExecutionStatus.SUCCEEDED, Json.tree("{\"a\":1}"),
                Json.tree("{\"b\":2}"), null, null, Fixtures.T0, Fixtures.T0.plusSeconds(1), List.of());
        String header = Json.write(old);
        List<ExecutionEvent> events = List.of(event(1, "ExecutionStarted", Json.tree("{\"input\":{\"a\":1}}")),
                event(2, "ExecutionSucceeded", Json.tree("{\"output\":{\"b\":2}}")));
        List<MetadataTable.Write> writes = new ArrayList<>(List.of(
                new Put(Keys.execution("old"), "EXECUTION", header, Condition.ABSENT),
                new Put("EXECUTIONS", Fixtures.T0 + "#old", header, Condition.ABSENT)));
        events.forEach(e -> writes.add(new Put(Keys.execution("old"), "EVENT#" + Keys.pad(e.id()), Json.write(e),
                Condition.ABSENT)));
        table.write(writes);

        ExecutionRecord stored = executions.get("old");
        assertThat(stored.output()).isEqualTo(Json.tree("{\"b\":2}"));
        assertThat(stored.events()).containsExactlyElementsOf(events);
    }

    @Test
    void flush_makesBufferedEventsVisibleAndAppendsAfterwardsContinueTheHistory() {
        running("live", Json.object());
        ExecutionRegistry.HistoryWriter writer = executions.historyWriter("live");
        writer.append(event(1, "ExecutionStarted", Json.object()));
        writer.append(event(2, "TaskScheduled", Json.object().put("resource", "r")));
        assertThat(executions.get("live").events()).isEmpty();

        writer.flush();
        assertThat(executions.get("live").events()).extracting(ExecutionEvent::id).containsExactly(1L, 2L);

        writer.append(event(3, "TaskSucceeded", Json.object()));
        writer.close();
        assertThat(executions.get("live").events()).extracting(ExecutionEvent::id).containsExactly(1L, 2L, 3L);
    }

    /** An item's size as DynamoDB counts it: attribute names and values, numbers as their digits. */
    private static int dynamoDbItemSize(Item item) {
        return utf8("pk") + utf8(item.pk()) + utf8("sk") + utf8(item.sk()) + utf8("rev")
                + Long.toString(item.revision()).length() + utf8("body") + utf8(item.body());
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
