package dev.flywheel.statistics;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The current window's values of one categorical feature (or of predicted labels): a count per category, the
 * missing count, and how many values the baseline never saw. Memory is bounded by {@link #MAX_CATEGORIES}: once
 * that many distinct values are counted, further new ones are counted together as {@link #OVERFLOW} (a feature
 * with that many categories is an identifier, not a category).
 */
public final class CategoricalWindow {
    public static final int MAX_CATEGORIES = 10_000;
    public static final String OVERFLOW = "(other values)";

    private final Map<String, Long> baseline;
    private final Map<String, long[]> counts = new HashMap<>();
    private long count;
    private long missing;
    private long unseen;

    /** @param baseline the baseline's frequencies ("" = missing), used to count unseen categories */
    public CategoricalWindow(Map<String, Long> baseline) {
        this.baseline = baseline == null ? Map.of() : baseline;
    }

    /** Adds a value; null or "" is missing. */
    public void add(String value) {
        add(value, 1);
    }

    public void add(String value, long times) {
        count += times;
        if (value == null || value.isEmpty()) {
            missing += times;
            return;
        }
        if (!baseline.containsKey(value)) {
            unseen += times;
        }
        slot(value)[0] += times;
    }

    public void merge(CategoricalWindow other) {
        other.counts.forEach((value, n) -> slot(value)[0] += n[0]);
        count += other.count;
        missing += other.missing;
        unseen += other.unseen;
    }

    /** The counter of {@code value}: its own while fewer than MAX_CATEGORIES are counted, else OVERFLOW's. */
    private long[] slot(String value) {
        long[] slot = counts.get(value);
        return slot != null ? slot
                : counts.computeIfAbsent(counts.size() < MAX_CATEGORIES ? value : OVERFLOW, k -> new long[1]);
    }

    public long count() {
        return count;
    }

    public long missing() {
        return missing;
    }

    public double missingRate() {
        return count == 0 ? 0 : (double) missing / count;
    }

    /** Values whose category the baseline never saw. */
    public long unseen() {
        return unseen;
    }

    /** Count per category, missing values excluded, in category order. */
    public Map<String, Long> frequencies() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((value, n) -> out.put(value, n[0]));
        return out;
    }

    public State state() {
        return new State(count, missing, unseen, frequencies());
    }

    public static CategoricalWindow of(Map<String, Long> baseline, State state) {
        CategoricalWindow w = new CategoricalWindow(baseline);
        state.frequencies().forEach((value, n) -> w.counts.put(value, new long[]{n}));
        w.count = state.count();
        w.missing = state.missing();
        w.unseen = state.unseen();
        return w;
    }

    public record State(long count, long missing, long unseen, Map<String, Long> frequencies) {
        public State {
            frequencies = frequencies == null ? Map.of() : frequencies;
        }
    }
}
