package dev.flywheel.registry;

import dev.flywheel.store.ConditionFailedException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Optimistic concurrency: re-run a read-decide-write attempt when another writer won the race. Used where
 * retrying is always right (allocating the next version number); never for alias moves, whose compare-and-set
 * is the caller's decision.
 */
final class Conflicts {
    private static final int MAX_ATTEMPTS = 200;

    private Conflicts() {
    }

    static <T> T retry(String what, Supplier<T> attempt) {
        ConditionFailedException last = null;
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            try {
                return attempt.get();
            } catch (ConditionFailedException e) {
                last = e;
                backoff(i);
            }
        }
        throw new ConditionFailedException(what + ": still contended after " + MAX_ATTEMPTS + " attempts", last);
    }

    private static void backoff(int attempt) {
        long capMillis = Math.min(100, 2L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(capMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying " + e.getMessage(), e);
        }
    }
}
