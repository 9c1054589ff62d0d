package dev.flywheel.registry;

import dev.flywheel.json.Json;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Item;
import dev.flywheel.store.MetadataTable.Put;
import dev.flywheel.store.MetadataTable.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Consecutive, never-duplicated version numbers per dataset or model name ({@code docs/dynamodb.md}, "Race-free
 * writes"): the counter moves by compare-and-set in the same atomic write as the new version's own items.
 */
final class VersionCounter {
    private final MetadataTable table;

    VersionCounter(MetadataTable table) {
        this.table = table;
    }

    /**
     * One attempt at writing the next version of partition {@code pk}: the counter, {@code itemsOf(next)} and, for
     * the first version, the catalogue entry of {@code name}, all or nothing.
     *
     * @return the version number written
     * @throws dev.flywheel.store.ConditionFailedException when another writer took that number first (retry)
     */
    int writeNext(String pk, String name, IntFunction<List<Write>> itemsOf) {
        Optional<Item> counter = table.get(pk, Keys.COUNTER);
        long latest = counter.map(c -> Json.tree(c.body()).path("latest").asLong()).orElse(0L);
        int next = Math.toIntExact(latest + 1);
        List<Write> writes = new ArrayList<>();
        writes.add(new Put(pk, Keys.COUNTER, "{\"latest\":" + next + "}",
                Condition.expecting(counter.map(Item::revision).orElse(0L))));
        writes.addAll(itemsOf.apply(next));
        if (next == 1) {
            writes.add(new Put(Keys.CATALOG, pk, "{\"name\":" + Json.write(name) + "}", Condition.ABSENT));
        }
        table.write(writes);
        return next;
    }
}
