package dev.flywheel.store;

import java.util.List;
import java.util.Optional;

/**
 * The metadata port: a single table of JSON items under a partition key and a sort key, with atomic
 * conditional multi-item writes. It is deliberately the shape of a DynamoDB single-table design, so that the
 * embedded adapter and the DynamoDB adapter share every piece of registry logic above it
 * (see {@code docs/dynamodb.md}).
 *
 * <p>Every item carries a revision: 1 when first written, +1 on every write. Conditions compare revisions, so
 * a writer that read revision r can write only if nobody else wrote since: lost updates are impossible.
 */
public interface MetadataTable extends AutoCloseable {

    Optional<Item> get(String pk, String sk);

    /**
     * Items of one partition whose sort key starts with {@code skPrefix}, in sort-key order.
     *
     * @param limit at most this many items; 0 for all
     */
    List<Item> query(String pk, String skPrefix, boolean descending, int limit);

    /**
     * Applies all writes atomically: either every condition holds and every write happens, or nothing is
     * written and {@link ConditionFailedException} is thrown. At most 25 writes, on distinct keys.
     */
    void write(List<Write> writes);

    default void write(Write write) {
        write(List.of(write));
    }

    @Override
    void close();

    /** Fails with a message that says what to do when the table cannot be used at all (it does not exist). */
    default void checkAvailable() {
    }

    /** The shape checks every adapter applies to a multi-item write. */
    static void checkWrites(List<Write> writes) {
        if (writes.isEmpty() || writes.size() > 25) {
            throw new IllegalArgumentException("a write takes 1 to 25 items, got " + writes.size());
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Write write : writes) {
            if (!keys.add(write.pk() + "\u0000" + write.sk())) {
                throw new IllegalArgumentException("a write names (" + write.pk() + ", " + write.sk() + ") twice");
            }
        }
    }

    /** A stored item; {@code body} is JSON. */
    record Item(String pk, String sk, long revision, String body) {
    }

    /** When a write may happen. */
    sealed interface Condition {
        /** Always. */
        Condition ANY = new Any();
        /** Only if no item has this key. */
        Condition ABSENT = new Absent();

        /** Only if the item exists with exactly this revision. */
        static Condition revision(long expected) {
            return new AtRevision(expected);
        }

        /** Absent when {@code expected} is 0, else at that revision. */
        static Condition expecting(long expected) {
            return expected == 0 ? ABSENT : new AtRevision(expected);
        }

        record Any() implements Condition {
        }

        record Absent() implements Condition {
        }

        record AtRevision(long expected) implements Condition {
        }
    }

    /** One write of a multi-item write. */
    sealed interface Write {
        String pk();

        String sk();

        Condition condition();
    }

    /** Writes {@code body}; the stored revision becomes the previous one + 1 (1 for a new item). */
    record Put(String pk, String sk, String body, Condition condition) implements Write {
    }

    /** Deletes the item (no error if absent and the condition is ANY). */
    record Delete(String pk, String sk, Condition condition) implements Write {
    }

    /** Checks a condition without writing the item. */
    record Check(String pk, String sk, Condition condition) implements Write {
    }
}
