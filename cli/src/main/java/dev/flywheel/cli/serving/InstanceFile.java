package dev.flywheel.cli.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.TextFiles;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The instances of a file to score, streamed one at a time (memory stays flat however long the file is), each with
 * its row and line numbers. A CSV file (header row, RFC 4180 quoting) keeps the model's input columns, typed by
 * {@link ModelInputs#typed}; the target column, if there, is kept apart, and other columns are left out. A JSON
 * Lines file holds one instance object per line, sent as it is, the target left out. UTF-8, strictly.
 */
public final class InstanceFile implements Closeable {
    /** What a file of rows is, for the message when it is not. */
    public static final String TABULAR = "a CSV file with a header row, or JSON Lines";
    /**
     * One instance.
     *
     * @param row    1-based data row
     * @param line   the file's line where the row starts (the header is line 1 of a CSV file)
     * @param target the target column's text when the file has one, else null
     */
    public record Instance(long row, long line, ObjectNode values, String target) {
    }

    private final Path file;
    private final Closeable resource;
    private final Source source;
    private final List<String> ignoredColumns;
    private Instance next;
    private long rows;

    private interface Source {
        /** The next instance, or null at the end. */
        Instance read(long row) throws IOException;
    }

    private InstanceFile(Path file, Closeable resource, Source source, List<String> ignoredColumns) {
        this.file = file;
        this.resource = resource;
        this.source = source;
        this.ignoredColumns = ignoredColumns;
    }

    /**
     * Opens a file: JSON Lines when its name ends in .jsonl, .ndjson or .json, or its first character is '{'; CSV
     * otherwise.
     *
     * @throws InvalidInputException when the file is missing, empty, or its header lacks one of the model's inputs
     */
    public static InstanceFile open(Path file, ModelInputs inputs) {
        try {
            return jsonLines(file) ? openJsonLines(file, inputs) : openCsv(file, inputs);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("there is no file " + file);
        } catch (CharacterCodingException e) {
            throw notText(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static InvalidInputException notText(Path file) {
        return TextFiles.notText(file, TABULAR);
    }

    /** The CSV columns that are neither an input of the model nor its target: not sent. */
    public List<String> ignoredColumns() {
        return ignoredColumns;
    }

    public boolean hasNext() {
        if (next == null) {
            try {
                next = source.read(rows + 1);
            } catch (CharacterCodingException e) {
                throw notText(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return next != null;
    }

    public Instance next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException();
        }
        Instance out = next;
        next = null;
        rows++;
        return out;
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InvalidInputException problem(long line, String what) {
        return new InvalidInputException(file.getFileName() + " line " + line + " " + what);
    }

    /** Decoding runs ahead of the lines read, so the line is where the reader was, not exactly the bad byte's. */
    private InvalidInputException notUtf8(long line) {
        return new InvalidInputException(file.getFileName() + " is not valid UTF-8 (at line " + line
                + " or a few lines after): save it as UTF-8");
    }

    private static boolean jsonLines(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return true;
        }
        if (name.endsWith(".csv")) {
            return false;
        }
        try (Reader reader = TextFiles.reader(file)) {
            int c;
            do {
                c = reader.read();
            } while (c != -1 && Character.isWhitespace(c));
            return c == '{';
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static InstanceFile openCsv(Path file, ModelInputs inputs) throws IOException {
        BufferedReader reader = TextFiles.reader(file);
        CSVParser parser;
        Iterator<CSVRecord> records;
        List<String> header = new ArrayList<>();
        try {
            // Empty lines are records here (skipped below), so that line numbers stay right.
            parser = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get().parse(reader);
            records = parser.iterator();
            if (!records.hasNext()) {
                throw new InvalidInputException(file.getFileName() + " is empty: write a header line with the "
                        + "column names, then one line per row");
            }
            records.next().forEach(h -> header.add(h.trim()));
        } catch (InvalidInputException e) {
            reader.close();
            throw e;
        } catch (UncheckedIOException | IllegalStateException e) {
            reader.close();
            throw new InvalidInputException(file.getFileName() + (e.getCause() instanceof CharacterCodingException
                    ? " is not valid UTF-8: save it as UTF-8" : " line 1 cannot be read: " + e.getMessage()));
        }
        List<String> missing = new ArrayList<>(inputs.types().keySet());
        missing.removeAll(header);
        if (!missing.isEmpty()) {
            parser.close();
            throw new InvalidInputException(file.getFileName() + " has no column " + quoted(missing) + ": "
                    + inputs.shown() + " takes " + quoted(new ArrayList<>(inputs.types().keySet())));
        }
        int[] columns = new int[inputs.types().size()];
        List<String> names = new ArrayList<>(inputs.types().keySet());
        for (int i = 0; i < names.size(); i++) {
            columns[i] = header.indexOf(names.get(i));
        }
        int target = inputs.target() == null ? -1 : header.indexOf(inputs.target());
        Set<String> ignored = new LinkedHashSet<>(header);
        names.forEach(ignored::remove);
        if (inputs.target() != null) {
            ignored.remove(inputs.target());
        }
        InstanceFile[] self = new InstanceFile[1];
        Source source = row -> {
            while (true) {
                long before = parser.getCurrentLineNumber();
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        return null;
                    }
                    record = records.next();
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof CharacterCodingException) {
                        throw self[0].notUtf8(before + 1);
                    }
                    throw self[0].problem(before + 1, "cannot be read: " + e.getMessage());
                } catch (IllegalStateException e) {
                    throw self[0].problem(before + 1, "cannot be read: " + e.getMessage());
                }
                long line = before + 1;
                if (record.size() == 1 && record.get(0).isEmpty() && header.size() > 1) {
                    continue;
                }
                if (record.size() != header.size()) {
                    throw self[0].problem(line, "has " + record.size() + " fields but the header has "
                            + header.size());
                }
                ObjectNode values = Json.object();
                for (int i = 0; i < columns.length; i++) {
                    values.set(names.get(i), inputs.typed(names.get(i), record.get(columns[i])));
                }
                return new Instance(row, line, values, target < 0 ? null : record.get(target));
            }
        };
        self[0] = new InstanceFile(file, parser, source, List.copyOf(ignored));
        return self[0];
    }

    private static InstanceFile openJsonLines(Path file, ModelInputs inputs) throws IOException {
        BufferedReader reader = TextFiles.reader(file);
        long[] lines = {0};
        InstanceFile[] self = new InstanceFile[1];
        Source source = row -> {
            String text;
            do {
                try {
                    text = reader.readLine();
                } catch (CharacterCodingException e) {
                    throw self[0].notUtf8(lines[0] + 1);
                }
                lines[0]++;
            } while (text != null && text.isBlank());
            if (text == null) {
                return null;
            }
            JsonNode node;
            try {
                node = Json.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
                        : e.getOriginalMessage().lines().findFirst().orElse("");
                throw self[0].problem(lines[0], "is not valid JSON: " + (why.length() > 200
                        ? why.substring(0, 200) + "…" : why));
            }
            if (!(node instanceof ObjectNode object)) {
                throw self[0].problem(lines[0], "must be one instance, a JSON object like {\"age\": 31}, got "
                        + node.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            JsonNode target = inputs.target() == null ? null : object.remove(inputs.target());
            return new Instance(row, lines[0], object, target == null || target.isNull() ? null : target.asText());
        };
        self[0] = new InstanceFile(file, reader, source, List.of());
        return self[0];
    }

    private static String quoted(List<String> names) {
        List<String> shown = names.size() > 12 ? names.subList(0, 12) : names;
        return "'" + String.join("', '", shown) + "'" + (names.size() > 12 ? ", … (" + names.size() + " in all)" : "");
    }
}
