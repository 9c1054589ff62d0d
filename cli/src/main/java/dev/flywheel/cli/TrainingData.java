package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.serving.InstanceFile;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
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
 * The cheap checks of a file the training pipeline is to ingest, for the deployed pipeline before the file is
 * uploaded and an execution started (a local run's Ingest refuses such a file within a second; on AWS each would
 * be a failed execution and an alarm): text in UTF-8, a header (or JSON objects), at least one data row, and the
 * columns the run names. It reads the file as Ingest does (CSV unless the name ends in .jsonl or .ndjson; RFC 4180,
 * empty lines skipped) but only as far as it must: the rest is Ingest's to check.
 */
public final class TrainingData {
    private TrainingData() {
    }

    /**
     * @param target  the target column, or null when the run does not name one
     * @param exclude columns the run excludes
     * @param id      columns the run identifies rows by
     * @throws InvalidInputException naming the file and what is wrong with it
     */
    public static void check(Path file, String target, List<String> exclude, List<String> id) {
        Set<String> named = new LinkedHashSet<>();
        if (target != null && !target.isBlank()) {
            named.add(target);
        }
        named.addAll(exclude);
        named.addAll(id);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (BufferedReader reader = TextFiles.reader(file)) {
            List<String> columns = name.endsWith(".jsonl") || name.endsWith(".ndjson")
                    ? jsonLinesColumns(file, reader, named) : csvColumns(file, reader);
            for (String column : named) {
                if (!columns.contains(column)) {
                    String role = column.equals(target) ? "target" : exclude.contains(column) ? "excluded column"
                            : "id column";
                    throw new InvalidInputException(file + " has no column '" + column + "' (the " + role
                            + "); its columns are " + shown(columns));
                }
            }
        } catch (CharacterCodingException e) {
            throw TextFiles.notText(file, InstanceFile.TABULAR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The header's columns, once a data row is known to follow it. */
    private static List<String> csvColumns(Path file, BufferedReader reader) {
        try {
            CSVParser parser = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get().parse(reader);
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                throw new InvalidInputException(file + " is empty: write a header line with the column names, then "
                        + "one line per row");
            }
            List<String> header = new ArrayList<>();
            records.next().forEach(h -> header.add(h.trim()));
            if (!records.hasNext()) {
                throw new InvalidInputException(file + " has a header but no data rows: add at least one row");
            }
            return header;
        } catch (UncheckedIOException | IllegalStateException | IOException e) {
            if (TextFiles.notUtf8(e)) {
                throw TextFiles.notText(file, InstanceFile.TABULAR);
            }
            throw new InvalidInputException(file + " cannot be read as CSV at its first lines ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "): give " + InstanceFile.TABULAR);
        }
    }

    /**
     * The keys of the file's JSON objects (Ingest's columns are all of them), read until every {@code named} column
     * has been seen.
     */
    private static List<String> jsonLinesColumns(Path file, BufferedReader reader, Set<String> named)
            throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        boolean objects = false;
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.tree(line);
            } catch (RuntimeException notJson) {
                continue; // Ingest quarantines the line
            }
            if (node.isObject()) {
                objects = true;
                node.fieldNames().forEachRemaining(keys::add);
                if (keys.containsAll(named)) {
                    break;
                }
            }
        }
        if (!objects) {
            throw new InvalidInputException(file + " has no JSON objects: write one JSON object per line, like "
                    + "{\"age\": 31, \"class\": \"good\"}");
        }
        return new ArrayList<>(keys);
    }

    /** The columns a user picks from: all of them up to 60 (a wide file's are cut, with the count). */
    private static String shown(List<String> columns) {
        return columns.size() <= 60 ? columns.toString()
                : columns.subList(0, 60).toString().replaceFirst("]$", ", … (" + columns.size() + " in all)]");
    }
}
