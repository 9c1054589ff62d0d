package dev.flywheel.training.ingest;

import dev.flywheel.domain.ColumnType;
import dev.flywheel.data.Values;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** What pass 1 (the {@link ColumnProfile}) learns about one column, and the type and role it suggests. */
final class ColumnStats {
    /** A column with more distinct values than this (and mostly distinct) is text, not a category. */
    static final int MAX_CATEGORIES = 100;
    static final int DISTINCT_CAP = 10_000;
    /** Names that are an identifier's: id, uuid, guid, key, or a word ending in _id / -id / Id (customer_id). */
    private static final Pattern ID_NAME = Pattern.compile("(?i:id|uuid|guid|key)|.+[_-](?i:id|uuid|key)|.+[a-z]Id");

    private final Values.Missing missing;
    long count;
    long nonMissing;
    long numeric;
    long integer;
    long bool;
    String example;
    final Set<String> distinct = new HashSet<>();
    boolean distinctOverflow;

    ColumnStats(Values.Missing missing) {
        this.missing = missing;
    }

    void add(String value) {
        count++;
        if (missing.test(value)) {
            return;
        }
        nonMissing++;
        String trimmed = value.trim();
        if (example == null) {
            example = trimmed;
        }
        Double number = Values.number(trimmed);
        if (number != null) {
            numeric++;
            if (number == Math.rint(number)) {
                integer++;
            }
        }
        if (Values.bool(trimmed) != null) {
            bool++;
        }
        if (distinct.size() < DISTINCT_CAP) {
            distinct.add(trimmed);
        } else if (!distinct.contains(trimmed)) {
            distinctOverflow = true;
        }
    }

    ColumnType inferType() {
        if (nonMissing == 0) {
            return ColumnType.CATEGORICAL;
        }
        // A few unparseable values do not make a numeric column text: they become bad rows in pass 2.
        if (numeric == nonMissing || numeric >= 0.9 * nonMissing && numeric > 0) {
            return ColumnType.NUMERIC;
        }
        // Boolean only when every value is true or false: y/n or t/f stay categories, as the file says.
        if (bool == nonMissing) {
            return ColumnType.BOOLEAN;
        }
        boolean mostlyUnique = distinctOverflow || distinct.size() > 0.5 * nonMissing;
        return distinct.size() > MAX_CATEGORIES && mostlyUnique ? ColumnType.TEXT : ColumnType.CATEGORICAL;
    }

    /**
     * Strong evidence of an identifier: a name that is an identifier's, a value in every row, all distinct,
     * and integers or text (never fractional numbers: a measurement is not an identifier).
     */
    boolean looksLikeId(String name) {
        boolean allDistinct = !distinctOverflow && distinct.size() == nonMissing && nonMissing == count
                && count > 1;
        boolean integersOrText = numeric == 0 || integer == nonMissing;
        return allDistinct && integersOrText && ID_NAME.matcher(name).matches();
    }
}
