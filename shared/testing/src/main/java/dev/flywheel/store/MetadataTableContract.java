package dev.flywheel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.store.MetadataTable.Check;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Delete;
import dev.flywheel.store.MetadataTable.Item;
import dev.flywheel.store.MetadataTable.Put;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The semantics every {@link MetadataTable} adapter must have. Each adapter's test extends this class. */
public abstract class MetadataTableContract {

    /** A fresh, empty table. */
    protected abstract MetadataTable table();

    @Test
    void get_missingItemIsEmpty() {
        assertThat(table().get("P", "S")).isEmpty();
    }

    @Test
    void put_startsAtRevisionOneAndCountsEveryWrite() {
        MetadataTable table = table();
        table.write(new Put("P", "S", "{\"n\":1}", Condition.ABSENT));
        assertThat(table.get("P", "S")).contains(new Item("P", "S", 1, "{\"n\":1}"));
        table.write(new Put("P", "S", "{\"n\":2}", Condition.ANY));
        table.write(new Put("P", "S", "{\"n\":3}", Condition.revision(2)));
        assertThat(table.get("P", "S")).contains(new Item("P", "S", 3, "{\"n\":3}"));
    }

    @Test
    void absentCondition_failsWhenTheItemExists() {
        MetadataTable table = table();
        table.write(new Put("P", "S", "{}", Condition.ABSENT));
        assertThatThrownBy(() -> table.write(new Put("P", "S", "{\"x\":1}", Condition.ABSENT)))
                .isInstanceOf(ConditionFailedException.class);
        assertThat(table.get("P", "S").orElseThrow().body()).isEqualTo("{}");
    }

    @Test
    void revisionCondition_failsOnAStaleRevisionOrAMissingItem() {
        MetadataTable table = table();
        assertThatThrownBy(() -> table.write(new Put("P", "S", "{}", Condition.revision(1))))
                .isInstanceOf(ConditionFailedException.class);
        table.write(new Put("P", "S", "{}", Condition.ABSENT));
        table.write(new Put("P", "S", "{}", Condition.revision(1)));
        assertThatThrownBy(() -> table.write(new Put("P", "S", "{\"stale\":true}", Condition.revision(1))))
                .isInstanceOf(ConditionFailedException.class);
        assertThat(table.get("P", "S").orElseThrow().revision()).isEqualTo(2);
    }

    @Test
    void multiItemWrite_isAllOrNothing() {
        MetadataTable table = table();
        table.write(new Put("P", "taken", "{}", Condition.ABSENT));
        assertThatThrownBy(() -> table.write(List.of(
                new Put("P", "a", "{}", Condition.ABSENT),
                new Put("Q", "b", "{}", Condition.ANY),
                new Put("P", "taken", "{}", Condition.ABSENT))))
                .isInstanceOf(ConditionFailedException.class);
        assertThat(table.get("P", "a")).isEmpty();
        assertThat(table.get("Q", "b")).isEmpty();
        table.write(List.of(new Put("P", "a", "{}", Condition.ABSENT), new Put("Q", "b", "{}", Condition.ANY)));
        assertThat(table.get("P", "a")).isPresent();
        assertThat(table.get("Q", "b")).isPresent();
    }

    @Test
    void checkCondition_guardsAWriteWithoutChangingTheCheckedItem() {
        MetadataTable table = table();
        table.write(new Put("P", "guard", "{}", Condition.ABSENT));
        table.write(List.of(new Check("P", "guard", Condition.revision(1)), new Put("P", "x", "{}", Condition.ANY)));
        assertThat(table.get("P", "guard").orElseThrow().revision()).isEqualTo(1);
        assertThatThrownBy(() -> table.write(List.of(new Check("P", "guard", Condition.revision(5)),
                new Put("P", "y", "{}", Condition.ANY)))).isInstanceOf(ConditionFailedException.class);
        assertThat(table.get("P", "y")).isEmpty();
    }

    @Test
    void delete_honoursItsCondition() {
        MetadataTable table = table();
        table.write(new Put("P", "S", "{}", Condition.ABSENT));
        assertThatThrownBy(() -> table.write(new Delete("P", "S", Condition.revision(9))))
                .isInstanceOf(ConditionFailedException.class);
        table.write(new Delete("P", "S", Condition.revision(1)));
        assertThat(table.get("P", "S")).isEmpty();
        table.write(new Delete("P", "S", Condition.ANY));
    }

    @Test
    void query_returnsThePrefixInSortKeyOrderBothWaysWithALimit() {
        MetadataTable table = table();
        for (String sk : List.of("V#0000000002", "V#0000000010", "V#0000000001", "COUNTER", "W#1")) {
            table.write(new Put("P", sk, "{}", Condition.ANY));
        }
        table.write(new Put("OTHER", "V#0000000003", "{}", Condition.ANY));
        assertThat(table.query("P", "V#", false, 0)).extracting(Item::sk)
                .containsExactly("V#0000000001", "V#0000000002", "V#0000000010");
        assertThat(table.query("P", "V#", true, 2)).extracting(Item::sk)
                .containsExactly("V#0000000010", "V#0000000002");
        assertThat(table.query("P", "", false, 0)).hasSize(5);
        assertThat(table.query("NONE", "", false, 0)).isEmpty();
    }

    @Test
    void query_pagesThroughLargePartitions() {
        MetadataTable table = table();
        String body = "{\"pad\":\"" + "x".repeat(20_000) + "\"}";
        for (int i = 0; i < 60; i++) {
            table.write(new Put("BIG", String.format("I#%03d", i), body, Condition.ANY));
        }
        assertThat(table.query("BIG", "I#", false, 0)).hasSize(60);
        assertThat(table.query("BIG", "I#", true, 55)).hasSize(55).first().extracting(Item::sk).isEqualTo("I#059");
    }

    @Test
    void writes_withTheSameKeyTwiceOrNoneAreRejected() {
        MetadataTable table = table();
        assertThatThrownBy(() -> table.write(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.write(List.of(new Put("P", "S", "{}", Condition.ANY),
                new Put("P", "S", "{}", Condition.ANY)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compareAndSet_from16ThreadsLosesNoUpdate() throws Exception {
        MetadataTable table = table();
        table.write(new Put("C", "counter", "0", Condition.ABSENT));
        int threads = 16;
        int incrementsEach = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                conflicts.add(pool.submit(() -> {
                    start.await();
                    int lost = 0;
                    for (int i = 0; i < incrementsEach; ) {
                        Item current = table.get("C", "counter").orElseThrow();
                        long next = Long.parseLong(current.body()) + 1;
                        try {
                            table.write(new Put("C", "counter", Long.toString(next),
                                    Condition.revision(current.revision())));
                            i++;
                        } catch (ConditionFailedException e) {
                            lost++;
                        }
                    }
                    return lost;
                }));
            }
            start.countDown();
            for (Future<Integer> f : conflicts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Item counter = table.get("C", "counter").orElseThrow();
        assertThat(counter.body()).isEqualTo(Integer.toString(threads * incrementsEach));
        assertThat(counter.revision()).isEqualTo(threads * incrementsEach + 1);
    }
}
