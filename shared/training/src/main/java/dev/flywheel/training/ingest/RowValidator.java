package dev.flywheel.training.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.Schema;
import dev.flywheel.io.ScratchFolder;
import dev.flywheel.json.Json;
import dev.flywheel.logging.WorkProgress;
import dev.flywheel.training.DataValidationException;
import dev.flywheel.data.Values;
import dev.flywheel.store.Hashing;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pass 2: validates each row against the schema; writes the canonical accepted rows and the quarantined rows (with
 * reasons) to temporary files, hashing the schema and the canonical rows into the version's content address.
 */
final class RowValidator {
    private static final CSVFormat CANONICAL = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    /** Values that often mean "missing" in exported files: named in the error when they fail validation. */
    private static final Set<String> MISSING_LOOKALIKES = Set.of("na", "n/a", "null", "none", "nan", "?", "-", ".",
            "missing", "#n/a");

    private final Schema schema;
    private final Values.Missing missing;
    private final Map<String, Integer> position = new HashMap<>();
    private final List<String> firstReasons = new ArrayList<>();
    private final Set<String> missingLookalikes = new TreeSet<>();
    private long accepted;
    private long bad;

    private RowValidator(Schema schema, Values.Missing missing, List<String> header) {
        this.schema = schema;
        this.missing = missing;
        for (int i = 0; i < header.size(); i++) {
            position.put(header.get(i), i);
        }
    }

    /**
     * The result of pass 2, with the temporary files it wrote (deleted on {@link #close()}).
     *
     * @param sha256 the dataset version's content address (schema + canonical rows)
     */
    record Validated(long accepted, long bad, List<String> firstReasons, Set<String> missingLookalikes,
                     String sha256, Path data, Path quarantine) implements AutoCloseable {

        /** Fails when more rows were rejected than {@code maxBad} allows, or when none was accepted. */
        void requireWithin(double maxBad) {
            long total = accepted + bad;
            if (bad > maxBad * total) {
                throw new DataValidationException(String.format(Locale.ROOT,
                        "%d of %d rows (%.1f%%) failed validation, more than maxBadRowFraction %.3f allows "
                                + "(they would be quarantined below it); first reasons: %s%s", bad, total,
                        100.0 * bad / total, maxBad, String.join("; ", firstReasons),
                        missingLookalikes.isEmpty() ? "" : ". If " + missingLookalikes
                                + " mean a missing value, list them: --na-values "
                                + String.join(",", missingLookalikes) + " (\"naValues\" in the "
                                + "execution input)"));
            }
            if (accepted == 0) {
                throw new DataValidationException("no row passed validation; first reasons: "
                        + String.join("; ", firstReasons));
            }
        }

        @Override
        public void close() {
            ScratchFolder.delete(data);
            ScratchFolder.delete(quarantine);
        }
    }

    /** Validates every row of {@code source}; the temporary files are deleted when this fails. */
    static Validated validate(SourceFile source, Schema schema, Values.Missing missing, List<String> header) {
        Path data = SourceFile.tempFile("data");
        Path quarantine = SourceFile.tempFile("quarantine");
        try {
            RowValidator validator = new RowValidator(schema, missing, header);
            String sha256 = validator.write(source, data, quarantine);
            return new Validated(validator.accepted, validator.bad, validator.firstReasons,
                    validator.missingLookalikes, sha256, data, quarantine);
        } catch (RuntimeException | Error e) {
            ScratchFolder.delete(data);
            ScratchFolder.delete(quarantine);
            throw e;
        }
    }

    /** Writes the canonical rows to {@code data} and the rejected ones to {@code quarantine}; returns the hash. */
    private String write(SourceFile source, Path data, Path quarantine) {
        MessageDigest digest = Hashing.sha256Digest();
        digest.update(Json.write(schema).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        try (TabularReader reader = source.open();
             OutputStream dataOut = new DigestOutputStream(Files.newOutputStream(data), digest);
             Writer dataWriter = new BufferedWriter(new OutputStreamWriter(dataOut, StandardCharsets.UTF_8), 1 << 16);
             CSVPrinter printer = new CSVPrinter(dataWriter, CANONICAL);
             Writer quarantineWriter = Files.newBufferedWriter(quarantine, StandardCharsets.UTF_8)) {
            printer.printRecord(schema.names());
            List<String> canonical = new ArrayList<>(schema.columns().size());
            WorkProgress progress = WorkProgress.current();
            for (TabularReader.Row row : reader) {
                if (row.rowNumber() % SourceFile.PROGRESS_ROWS == 0) {
                    progress.report("rows validated", row.rowNumber(), -1);
                }
                canonical.clear();
                Rejection rejection = row.problem() != null ? new Rejection(null, row.problem())
                        : canonicalRow(row, canonical);
                if (rejection == null) {
                    printer.printRecord(canonical);
                    accepted++;
                } else {
                    quarantine(row, rejection, quarantineWriter);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the canonical data", e);
        }
        return Hashing.hex(digest.digest());
    }

    /** Why a row was rejected; {@code column} is null when the row itself is malformed. */
    private record Rejection(String column, String reason) {
    }

    /** Fills {@code canonical} with the row's values in schema order, or returns why the row is rejected. */
    private Rejection canonicalRow(TabularReader.Row row, List<String> canonical) {
        for (Column c : schema.columns()) {
            String raw = row.values().get(position.get(c.name()));
            String value = canonical(c, raw, missing);
            if (value == null) {
                if (!missing.test(raw) && MISSING_LOOKALIKES.contains(raw.trim().toLowerCase(Locale.ROOT))) {
                    missingLookalikes.add(raw.trim());
                }
                return new Rejection(c.name(), missing.test(raw)
                        ? "missing value in required column '" + c.name() + "'"
                        : "'" + abbreviate(raw) + "' is not " + (c.type() == ColumnType.NUMERIC
                        ? "a number" : "a boolean (true or false)") + " (column '" + c.name() + "' is "
                        + c.type() + ")");
            }
            canonical.add(value);
        }
        return null;
    }

    private void quarantine(TabularReader.Row row, Rejection rejection, Writer quarantineWriter) throws IOException {
        bad++;
        if (firstReasons.size() < 5) {
            firstReasons.add("row " + row.rowNumber() + ": " + rejection.reason());
        }
        ObjectNode q = Json.object();
        q.put("rowNumber", row.rowNumber());
        q.put("column", rejection.column());
        q.put("reason", rejection.reason());
        q.put("raw", row.raw());
        quarantineWriter.write(Json.write(q));
        quarantineWriter.write('\n');
    }

    /** The canonical text of a value, "" for a missing value, or null when the value is invalid. */
    private static String canonical(Column column, String raw, Values.Missing missing) {
        if (missing.test(raw)) {
            return column.nullable() ? "" : null;
        }
        return switch (column.type()) {
            case NUMERIC -> {
                Double d = Values.number(raw);
                yield d == null ? null : Values.canonicalNumber(d);
            }
            case BOOLEAN -> {
                Boolean b = Values.bool(raw);
                yield b == null ? null : b.toString();
            }
            case CATEGORICAL, TEXT -> raw.trim();
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
