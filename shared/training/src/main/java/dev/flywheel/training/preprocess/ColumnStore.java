package dev.flywheel.training.preprocess;

import dev.flywheel.serving.FittedPipeline;

import dev.flywheel.logging.WorkProgress;
import dev.flywheel.data.Values;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns preprocessing needs, read once from a dataset CSV and held as primitive arrays, so memory grows by
 * about 8 bytes per numeric cell and 4 bytes per text cell instead of a {@code String} per cell (which needed
 * -Xmx8g for 1M rows × 13 columns).
 *
 * <ul>
 *   <li>{@link NumericColumn}: numeric and boolean features as {@code double[]}, each cell converted once by
 *       {@link FittedPipeline#numeric} (NaN = missing), which is what fitting and encoding use anyway.</li>
 *   <li>{@link CodedColumn}: categorical features and the target, dictionary-encoded: {@code int[]} codes into
 *       one list of the distinct cell texts, exactly as in the file. Code order is first appearance.</li>
 * </ul>
 * Columns nobody reads (IDs, excluded and free-text columns) are not kept; {@code test.csv}, which needs every
 * column verbatim, is copied from a second pass over the file instead.
 */
final class ColumnStore {
    private static final CSVFormat WITH_HEADER = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .get();

    /** A numeric or boolean column: {@code values[row]} is {@link FittedPipeline#numeric} of a cell, NaN if missing. */
    record NumericColumn(double[] values) {
    }

    /** A dictionary-encoded text column: row {@code r} holds {@code dictionary.get(codes[r])}. */
    record CodedColumn(int[] codes, List<String> dictionary) {
        String text(int row) {
            return dictionary.get(codes[row]);
        }

        /** How many of {@code rows} hold each code of the column. */
        int[] countCodes(int[] rows) {
            int[] counts = new int[dictionary.size()];
            for (int r : rows) {
                counts[codes[r]]++;
            }
            return counts;
        }
    }

    private final int rows;
    private final Map<String, NumericColumn> numeric;
    private final Map<String, CodedColumn> coded;
    private final byte[] parts;

    private ColumnStore(int rows, Map<String, NumericColumn> numeric, Map<String, CodedColumn> coded, byte[] parts) {
        this.rows = rows;
        this.numeric = numeric;
        this.coded = coded;
        this.parts = parts;
    }

    /**
     * Reads a CSV with a header into columns.
     *
     * @param expectedNames   the header the file must have
     * @param numericColumns  columns to keep as numbers
     * @param codedColumns    columns to keep dictionary-encoded
     * @param expectedRows    rows the file should hold (sizes the arrays; a wrong guess only costs a copy)
     * @param splitter        assigns each row to train, validation or test from all its values
     */
    static ColumnStore read(Reader csv, List<String> expectedNames, Set<String> numericColumns,
                            Set<String> codedColumns, long expectedRows, RowSplitter splitter) throws IOException {
        try (CSVParser parser = WITH_HEADER.parse(csv)) {
            List<String> names = parser.getHeaderNames();
            if (!names.equals(expectedNames)) {
                throw new IllegalStateException("dataset file columns " + names + " differ from its schema");
            }
            int capacity = (int) Math.max(16, Math.min(expectedRows, Integer.MAX_VALUE - 8));
            List<NumericReader> numbers = new ArrayList<>();
            List<CodedReader> texts = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (numericColumns.contains(names.get(i))) {
                    numbers.add(new NumericReader(names.get(i), i, capacity));
                } else if (codedColumns.contains(names.get(i))) {
                    texts.add(new CodedReader(names.get(i), i, capacity));
                }
            }
            int row = 0;
            byte[] parts = new byte[capacity];
            WorkProgress progress = WorkProgress.current();
            for (CSVRecord record : parser) {
                if (row == parts.length) {
                    parts = Arrays.copyOf(parts, grow(row));
                }
                parts[row] = splitter.part(record.values());
                for (NumericReader n : numbers) {
                    n.add(row, record.get(n.index));
                }
                for (CodedReader t : texts) {
                    t.add(row, record.get(t.index));
                }
                row++;
                if (row % 100_000 == 0) {
                    progress.report("rows read", row, expectedRows);
                }
            }
            // The arrays were sized from expectedRows: normally kept as they are, not copied (a copy doubles the peak).
            Map<String, NumericColumn> numeric = new LinkedHashMap<>();
            for (NumericReader n : numbers) {
                numeric.put(n.name, new NumericColumn(n.values.length == row ? n.values
                        : Arrays.copyOf(n.values, row)));
            }
            Map<String, CodedColumn> coded = new LinkedHashMap<>();
            for (CodedReader t : texts) {
                coded.put(t.name, new CodedColumn(t.codes.length == row ? t.codes : Arrays.copyOf(t.codes, row),
                        List.copyOf(t.dictionary)));
            }
            return new ColumnStore(row, numeric, coded, parts.length == row ? parts : Arrays.copyOf(parts, row));
        }
    }

    int rows() {
        return rows;
    }

    /** The part of each row: {@link RowSplitter#TRAIN}, {@link RowSplitter#VALIDATION} or {@link RowSplitter#TEST}. */
    byte[] parts() {
        return parts;
    }

    NumericColumn numeric(String name) {
        return require(numeric.get(name), name);
    }

    CodedColumn coded(String name) {
        return require(coded.get(name), name);
    }

    private static <T> T require(T column, String name) {
        if (column == null) {
            throw new IllegalArgumentException("column '" + name + "' was not read in this form");
        }
        return column;
    }

    private static final class NumericReader {
        final String name;
        final int index;
        double[] values;

        NumericReader(String name, int index, int capacity) {
            this.name = name;
            this.index = index;
            this.values = new double[capacity];
        }

        void add(int row, String text) {
            if (row == values.length) {
                values = Arrays.copyOf(values, grow(row));
            }
            values[row] = FittedPipeline.numeric(text, Values.Missing.EMPTY_ONLY);
        }
    }

    private static final class CodedReader {
        final String name;
        final int index;
        final Map<String, Integer> codeOf = new HashMap<>();
        final List<String> dictionary = new ArrayList<>();
        int[] codes;

        CodedReader(String name, int index, int capacity) {
            this.name = name;
            this.index = index;
            this.codes = new int[capacity];
        }

        void add(int row, String text) {
            if (row == codes.length) {
                codes = Arrays.copyOf(codes, grow(row));
            }
            Integer code = codeOf.get(text);
            if (code == null) {
                code = dictionary.size();
                codeOf.put(text, code);
                dictionary.add(text);
            }
            codes[row] = code;
        }
    }

    private static int grow(int length) {
        if (length >= Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a dataset of more than " + length + " rows does not fit in one array");
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, length + (long) (length >> 1) + 16);
    }
}
