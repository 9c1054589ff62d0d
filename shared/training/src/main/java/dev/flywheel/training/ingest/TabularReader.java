package dev.flywheel.training.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.json.Json;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.io.Utf8Files;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Streams the rows of a CSV (with header, RFC 4180 quoting) or JSON Lines file, decoding UTF-8 strictly: a
 * malformed byte sequence fails with a message naming the row instead of being replaced silently.
 */
final class TabularReader implements Closeable, Iterable<TabularReader.Row> {

    /**
     * One data row.
     *
     * @param rowNumber 1-based data row (the header is row 0)
     * @param values    one value per header column, or null when the row is malformed
     * @param problem   why the row is malformed (ragged, not JSON), else null
     * @param raw       the row as read, for the quarantine
     */
    record Row(long rowNumber, List<String> values, String problem, String raw) {
    }

    private final List<String> header;
    private final Iterator<Row> rows;
    private final Closeable resource;

    private TabularReader(List<String> header, Iterator<Row> rows, Closeable resource) {
        this.header = header;
        this.rows = rows;
        this.resource = resource;
    }

    static TabularReader open(Path file, String format) {
        try {
            return "jsonl".equals(format) ? jsonLines(file) : csv(file);
        } catch (UncheckedIOException e) {
            throw translate(e, 0, file);
        }
    }

    List<String> header() {
        return header;
    }

    @Override
    public Iterator<Row> iterator() {
        return rows;
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedReader strictUtf8(Path file) throws IOException {
        return Utf8Files.reader(file);
    }

    private static TabularReader csv(Path file) {
        try {
            Reader reader = strictUtf8(file);
            CSVParser parser;
            try {
                parser = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get().parse(reader);
            } catch (UncheckedIOException e) {
                reader.close();
                throw translate(e, 0, file);
            }
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                parser.close();
                throw new InvalidInputException("the file is empty: write a header line with the column names, "
                        + "then one line per row");
            }
            CSVRecord headerRecord = records.next();
            List<String> header = new ArrayList<>();
            headerRecord.forEach(h -> header.add(h.trim()));
            checkHeader(header, parser);
            Iterator<Row> rows = new Iterator<>() {
                long rowNumber = 0;

                @Override
                public boolean hasNext() {
                    try {
                        return records.hasNext();
                    } catch (UncheckedIOException | IllegalStateException e) {
                        throw translate(e, rowNumber + 1, file);
                    }
                }

                @Override
                public Row next() {
                    CSVRecord record;
                    try {
                        record = records.next();
                    } catch (UncheckedIOException | IllegalStateException e) {
                        throw translate(e, rowNumber + 1, file);
                    }
                    rowNumber++;
                    List<String> values = record.toList();
                    String raw = String.join(",", values);
                    if (values.size() != header.size()) {
                        return new Row(rowNumber, null, "row has " + values.size() + " fields but the header has "
                                + header.size(), raw);
                    }
                    return new Row(rowNumber, values, null, raw);
                }
            };
            return new TabularReader(header, rows, parser);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void checkHeader(List<String> header, Closeable resource) throws IOException {
        if (header.size() == 1) {
            String only = header.get(0);
            for (String delimiter : List.of(";", "\t", "|")) {
                if (only.contains(delimiter)) {
                    resource.close();
                    throw new InvalidInputException("the header has a single column '" + abbreviate(only)
                            + "' that contains '" + (delimiter.equals("\t") ? "\\t" : delimiter)
                            + "': the file looks delimited by that character; convert it to comma-separated CSV");
                }
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (name.isEmpty()) {
                resource.close();
                throw new InvalidInputException("header column " + (i + 1) + " has no name: name every column");
            }
            if (!seen.add(name)) {
                resource.close();
                throw new InvalidInputException("the header has the column '" + name
                        + "' more than once: column names must be unique");
            }
        }
    }

    private static TabularReader jsonLines(Path file) {
        try {
            BufferedReader reader = strictUtf8(file);
            List<String> header = new ArrayList<>();
            // The columns are the union of the keys, in order of first appearance: one pass to collect them.
            try (BufferedReader scan = strictUtf8(file)) {
                Set<String> keys = new LinkedHashSet<>();
                String line;
                long n = 0;
                while ((line = readLine(scan, n + 1, file)) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode node = Json.mapper().readTree(line);
                        if (node instanceof ObjectNode object) {
                            object.fieldNames().forEachRemaining(keys::add);
                        }
                    } catch (IOException e) {
                        // reported per row in the second pass
                    }
                }
                header.addAll(keys);
            }
            if (header.isEmpty()) {
                reader.close();
                throw new InvalidInputException("the file has no JSON objects: write one JSON object per line, "
                        + "like {\"age\": 31, \"class\": \"good\"}");
            }
            Iterator<Row> rows = new Iterator<>() {
                long rowNumber = 0;
                String nextLine = advance();

                private String advance() {
                    String line;
                    do {
                        line = readLine(reader, rowNumber + 1, file);
                    } while (line != null && line.isBlank());
                    return line;
                }

                @Override
                public boolean hasNext() {
                    return nextLine != null;
                }

                @Override
                public Row next() {
                    if (nextLine == null) {
                        throw new NoSuchElementException();
                    }
                    String line = nextLine;
                    rowNumber++;
                    nextLine = advance();
                    JsonNode node;
                    try {
                        node = Json.mapper().readTree(line);
                    } catch (IOException e) {
                        return new Row(rowNumber, null, "not a JSON object", line);
                    }
                    if (!(node instanceof ObjectNode object)) {
                        return new Row(rowNumber, null, "not a JSON object", line);
                    }
                    List<String> values = new ArrayList<>(header.size());
                    for (String column : header) {
                        JsonNode v = object.get(column);
                        if (v == null || v.isNull()) {
                            values.add("");
                        } else if (v.isContainerNode()) {
                            return new Row(rowNumber, null, "column '" + column + "' holds a nested "
                                    + (v.isArray() ? "array" : "object") + "; flatten it", line);
                        } else {
                            values.add(v.asText());
                        }
                    }
                    return new Row(rowNumber, values, null, line);
                }
            };
            return new TabularReader(header, rows, reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String readLine(BufferedReader reader, long row, Path file) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw translate(new UncheckedIOException(e), row, file);
        }
    }

    private static RuntimeException translate(RuntimeException e, long row, Path file) {
        if (Utf8Files.isDecodingError(e)) {
            // The decoder reads ahead, so the row being parsed is not where the bad bytes are: find them.
            return new InvalidInputException("the file is not valid UTF-8 at line " + firstNonUtf8Line(file)
                    + " (the first line is 1): re-encode it as UTF-8 (for example `iconv -f latin1 -t utf-8`)", e);
        }
        if (e instanceof IllegalStateException || e instanceof UncheckedIOException) {
            return new InvalidInputException("the CSV cannot be parsed near data row " + row + " ("
                    + e.getMessage() + "): check the quoting (RFC 4180: fields with commas or quotes are "
                    + "enclosed in double quotes, inner quotes doubled)", e);
        }
        return e;
    }

    /** The 1-based number of the first line of {@code file} that is not valid UTF-8, or "?" when it cannot tell. */
    static String firstNonUtf8Line(Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            long number = 1;
            int b;
            while (true) {
                b = in.read();
                if (b == '\n' || b < 0) {
                    try {
                        decoder.reset().decode(java.nio.ByteBuffer.wrap(line.toByteArray()));
                    } catch (CharacterCodingException bad) {
                        return Long.toString(number);
                    }
                    if (b < 0) {
                        return "?";
                    }
                    line.reset();
                    number++;
                } else {
                    line.write(b);
                }
            }
        } catch (IOException e) {
            return "?";
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    static Map<String, String> asMap(List<String> header, List<String> values) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            map.put(header.get(i), values.get(i));
        }
        return map;
    }
}
