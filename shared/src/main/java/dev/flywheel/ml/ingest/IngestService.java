package dev.flywheel.ml.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnRole;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Require;
import dev.flywheel.domain.Schema;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.ml.DataValidationException;
import dev.flywheel.ml.InvalidInputException;
import dev.flywheel.ml.Values;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates raw tabular data, infers (first version) or enforces (later versions) its schema, and registers the
 * accepted rows as a content-addressed dataset version. Streams the file: memory does not grow with its size.
 *
 * <p>Artifacts of a version live under {@code datasets/<name>/<sha256>/}: {@code data.csv} (canonical accepted
 * rows), {@code schema.json}, {@code domains.json} and, when rows were rejected, {@code quarantine.jsonl}.
 * Nothing is written when the input is rejected, and nothing new when the same content was ingested before.
 */
public final class IngestService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final double DEFAULT_MAX_BAD_ROW_FRACTION = 0.05;
    /** A column with more distinct values than this (and mostly distinct) is text, not a category. */
    static final int MAX_CATEGORIES = 100;
    private static final int DISTINCT_CAP = 10_000;
    private static final Pattern ID_NAME = Pattern.compile("(?i)(id|uuid|key|.*[_-]id|.*Id)");
    private static final CSVFormat CANONICAL = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;
    private final Clock clock;

    public IngestService(ArtifactStore artifacts, DatasetRegistry datasets, Clock clock) {
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.clock = clock;
    }

    public IngestResult ingest(IngestRequest request) {
        String name = checkName(request.dataset());
        if (request.source() == null || request.source().isBlank()) {
            throw new InvalidInputException("source is required: a file:///absolute/path.csv or s3://bucket/key URI");
        }
        double maxBad = request.maxBadRowFraction() == null ? DEFAULT_MAX_BAD_ROW_FRACTION
                : request.maxBadRowFraction();
        if (maxBad < 0 || maxBad > 1) {
            throw new InvalidInputException("maxBadRowFraction must be between 0 and 1, got " + maxBad);
        }
        String format = format(request);
        try (LogContext ignored = LogContext.with("dataset", name)) {
            Path local = fetch(request.source());
            try {
                return ingest(name, request, format, local, maxBad);
            } finally {
                deleteQuietly(local);
            }
        }
    }

    private IngestResult ingest(String name, IngestRequest request, String format, Path file, double maxBad) {
        List<String> warnings = new ArrayList<>();
        Optional<DatasetVersion> previous = datasets.latest(name);

        // Pass 1: profile every column (types, distinct values, missing counts).
        Map<String, ColumnStats> stats = new LinkedHashMap<>();
        List<String> header;
        long rows = 0;
        try (TabularReader reader = TabularReader.open(file, format)) {
            header = reader.header();
            header.forEach(h -> stats.put(h, new ColumnStats()));
            for (TabularReader.Row row : reader) {
                rows++;
                if (row.values() == null) {
                    continue;
                }
                for (int i = 0; i < header.size(); i++) {
                    stats.get(header.get(i)).add(row.values().get(i));
                }
            }
        }
        if (rows == 0) {
            throw new InvalidInputException("the file has a header but no data rows: add at least one row");
        }

        Schema schema;
        ColumnDomains domains;
        if (previous.isPresent()) {
            schema = previous.get().schema();
            enforce(schema, header, stats, warnings);
            domains = readDomains(previous.get());
        } else {
            schema = request.schema() != null ? declared(request, header) : infer(request, header, stats, warnings);
            domains = domainsOf(schema, stats);
        }
        checkColumns(schema, stats, warnings);

        // Pass 2: validate each row; write canonical accepted rows and quarantined rows to temporary files.
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            position.put(header.get(i), i);
        }
        Path data = tempFile("data");
        Path quarantine = tempFile("quarantine");
        try {
            String schemaJson = Json.write(schema);
            MessageDigest digest = Hashing.sha256Digest();
            digest.update(schemaJson.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            long accepted = 0;
            long bad = 0;
            List<String> firstReasons = new ArrayList<>();
            Map<String, Set<String>> unseen = new LinkedHashMap<>();
            try (TabularReader reader = TabularReader.open(file, format);
                 OutputStream dataOut = new DigestOutputStream(Files.newOutputStream(data), digest);
                 Writer dataWriter = new BufferedWriter(new OutputStreamWriter(dataOut, StandardCharsets.UTF_8), 1 << 16);
                 CSVPrinter printer = new CSVPrinter(dataWriter, CANONICAL);
                 Writer quarantineWriter = Files.newBufferedWriter(quarantine, StandardCharsets.UTF_8)) {
                printer.printRecord(schema.names());
                List<String> canonical = new ArrayList<>(schema.columns().size());
                for (TabularReader.Row row : reader) {
                    String column = null;
                    String reason = row.problem();
                    canonical.clear();
                    if (reason == null) {
                        for (Column c : schema.columns()) {
                            String raw = row.values().get(position.get(c.name()));
                            String value = canonical(c, raw);
                            if (value == null) {
                                column = c.name();
                                reason = Values.isMissing(raw)
                                        ? "missing value in required column '" + c.name() + "'"
                                        : "'" + abbreviate(raw) + "' is not " + (c.type() == ColumnType.NUMERIC
                                        ? "a number" : "a boolean") + " (column '" + c.name() + "' is " + c.type() + ")";
                                break;
                            }
                            List<String> known = domains.categories().get(c.name());
                            if (known != null && !value.isEmpty() && !known.contains(value)) {
                                Set<String> u = unseen.computeIfAbsent(c.name(), k -> new TreeSet<>());
                                if (u.size() < 10) {
                                    u.add(value);
                                }
                            }
                            canonical.add(value);
                        }
                    }
                    if (reason == null) {
                        printer.printRecord(canonical);
                        accepted++;
                    } else {
                        bad++;
                        if (firstReasons.size() < 5) {
                            firstReasons.add("row " + row.rowNumber() + ": " + reason);
                        }
                        ObjectNode q = Json.object();
                        q.put("rowNumber", row.rowNumber());
                        q.put("column", column);
                        q.put("reason", reason);
                        q.put("raw", row.raw());
                        quarantineWriter.write(Json.write(q));
                        quarantineWriter.write('\n');
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the canonical data of " + name, e);
            }
            long total = accepted + bad;
            if (bad > maxBad * total) {
                throw new DataValidationException(String.format(Locale.ROOT,
                        "%d of %d rows (%.1f%%) failed validation, more than maxBadRowFraction %.3f allows; "
                                + "first reasons: %s", bad, total, 100.0 * bad / total, maxBad,
                        String.join("; ", firstReasons)));
            }
            if (accepted == 0) {
                throw new DataValidationException("no row passed validation; first reasons: "
                        + String.join("; ", firstReasons));
            }
            unseen.forEach((column, values) -> warnings.add("column '" + column
                    + "' has categories not seen in the dataset's first version: " + values));
            String sha256 = Hashing.hex(digest.digest());
            String prefix = "datasets/" + name + "/" + sha256 + "/";
            Optional<DatasetVersion> existing = datasets.findBySha256(name, sha256);
            if (existing.isPresent()) {
                LOG.info("identical data ingested before [dataset={}, version={}]", name, existing.get().version());
                String quarantineKey = prefix + "quarantine.jsonl";
                return new IngestResult(existing.get(), false,
                        artifacts.exists(quarantineKey) ? artifacts.uri(quarantineKey) : null,
                        existing.get().quarantinedRows(), warnings);
            }
            String dataUri = putOnce(prefix + "data.csv", data);
            putOnce(prefix + "schema.json", schemaJson.getBytes(StandardCharsets.UTF_8));
            putOnce(prefix + "domains.json", Json.write(domains).getBytes(StandardCharsets.UTF_8));
            String quarantineUri = bad > 0 ? putOnce(prefix + "quarantine.jsonl", quarantine) : null;
            DatasetVersion draft = new DatasetVersion(name, 0, sha256, schema, accepted, bad, request.source(),
                    dataUri, clock.instant());
            DatasetRegistry.Registration registration = datasets.register(draft);
            LOG.info("ingested [dataset={}, version={}, rows={}, quarantined={}, created={}]", name,
                    registration.dataset().version(), accepted, bad, registration.created());
            return new IngestResult(registration.dataset(), registration.created(), quarantineUri, bad, warnings);
        } finally {
            deleteQuietly(data);
            deleteQuietly(quarantine);
        }
    }

    /** The canonical text of a value, "" for a missing value, or null when the value is invalid. */
    private static String canonical(Column column, String raw) {
        if (Values.isMissing(raw)) {
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

    private Schema infer(IngestRequest request, List<String> header, Map<String, ColumnStats> stats,
                         List<String> warnings) {
        String target = request.target();
        if (target == null || target.isBlank()) {
            throw new InvalidInputException("target is required on a dataset's first ingest: name the column to "
                    + "predict, one of " + header);
        }
        requireColumn(target, header, "target");
        for (String excluded : request.exclude()) {
            requireColumn(excluded, header, "excluded column");
        }
        List<Column> columns = new ArrayList<>();
        for (String name : header) {
            ColumnStats s = stats.get(name);
            ColumnType type = s.inferType();
            ColumnRole role;
            if (name.equals(target)) {
                role = ColumnRole.TARGET;
                if (type == ColumnType.TEXT || type == ColumnType.BOOLEAN) {
                    type = ColumnType.CATEGORICAL;
                }
            } else if (request.exclude().contains(name)) {
                role = ColumnRole.EXCLUDED;
            } else if (s.looksLikeId(name)) {
                role = ColumnRole.ID;
                warnings.add("column '" + name + "' looks like an identifier (unique values); it is kept as an ID, "
                        + "not used as a feature");
            } else {
                role = ColumnRole.FEATURE;
            }
            columns.add(new Column(name, type, role, role != ColumnRole.TARGET));
        }
        return new Schema(columns);
    }

    private static Schema declared(IngestRequest request, List<String> header) {
        List<Column> columns = new ArrayList<>();
        for (Column c : request.schema().columns()) {
            requireColumn(c.name(), header, "schema column");
            ColumnRole role = c.role();
            if (request.target() != null && c.name().equals(request.target())) {
                role = ColumnRole.TARGET;
            } else if (request.exclude().contains(c.name())) {
                role = ColumnRole.EXCLUDED;
            } else if (role == ColumnRole.TARGET && request.target() != null) {
                role = ColumnRole.FEATURE;
            }
            columns.add(c.withRole(role));
        }
        try {
            Schema schema = new Schema(columns);
            if (schema.target().isEmpty()) {
                throw new InvalidInputException("the declared schema has no TARGET column and the request names "
                        + "none: set \"target\"");
            }
            return schema;
        } catch (InvalidRecordException e) {
            throw new InvalidInputException("the declared schema is invalid: " + e.getMessage(), e);
        }
    }

    private static void enforce(Schema schema, List<String> header, Map<String, ColumnStats> stats,
                                List<String> warnings) {
        for (Column c : schema.columns()) {
            if (!header.contains(c.name())) {
                throw new InvalidInputException("column '" + c.name() + "' of the dataset's schema is missing from "
                        + "the file; the file has " + header);
            }
            ColumnStats s = stats.get(c.name());
            if (s.nonMissing == 0) {
                continue;
            }
            boolean changed = switch (c.type()) {
                case NUMERIC -> s.numeric * 2 < s.nonMissing;
                case BOOLEAN -> s.bool * 2 < s.nonMissing;
                default -> false;
            };
            if (changed) {
                throw new InvalidInputException("column '" + c.name() + "' was " + c.type() + " in earlier versions "
                        + "but now holds " + s.inferType() + " values (like '" + s.example + "'): changing a "
                        + "column's type needs a new dataset name");
            }
        }
        for (String name : header) {
            if (schema.column(name).isEmpty()) {
                warnings.add("column '" + name + "' is new (not in the dataset's schema) and is ignored; "
                        + "use a new dataset name to add columns");
            }
        }
    }

    private static void checkColumns(Schema schema, Map<String, ColumnStats> stats, List<String> warnings) {
        Column target = schema.target().orElseThrow(() -> new InvalidInputException(
                "the schema has no target column: set \"target\""));
        ColumnStats t = stats.get(target.name());
        if (t.nonMissing == 0) {
            throw new InvalidInputException("target column '" + target.name() + "' has no values: fill it in");
        }
        if (t.distinct.size() == 1) {
            throw new InvalidInputException(target.type() == ColumnType.NUMERIC
                    ? "target column '" + target.name() + "' is constant (every row is " + t.example
                    + "): a model cannot learn from it; supply data where the target varies"
                    : "target column '" + target.name() + "' has a single class '" + t.example
                    + "': classification needs at least two classes; add rows of the other classes");
        }
        for (Column c : schema.features()) {
            ColumnStats s = stats.get(c.name());
            if (s.nonMissing == 0) {
                throw new InvalidInputException("feature column '" + c.name() + "' has no values in any row: "
                        + "drop it from the file or list it in \"exclude\"");
            }
            double missingRate = 1.0 - (double) s.nonMissing / s.count;
            if (missingRate > 0.5) {
                warnings.add(String.format(Locale.ROOT, "column '%s' is missing in %.0f%% of rows", c.name(),
                        100 * missingRate));
            }
        }
    }

    private static ColumnDomains domainsOf(Schema schema, Map<String, ColumnStats> stats) {
        Map<String, List<String>> categories = new LinkedHashMap<>();
        for (Column c : schema.columns()) {
            if (c.type() == ColumnType.CATEGORICAL && c.role() != ColumnRole.ID) {
                ColumnStats s = stats.get(c.name());
                if (s.distinct.size() <= DISTINCT_CAP) {
                    categories.put(c.name(), s.distinct.stream().filter(v -> !Values.isMissing(v)).map(String::trim)
                            .sorted(Comparator.naturalOrder()).distinct().toList());
                }
            }
        }
        return new ColumnDomains(categories);
    }

    private ColumnDomains readDomains(DatasetVersion version) {
        String key = "datasets/" + version.name() + "/" + version.sha256() + "/domains.json";
        try (InputStream in = artifacts.get(key)) {
            return Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), ColumnDomains.class);
        } catch (ArtifactNotFoundException e) {
            return new ColumnDomains(Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String putOnce(String key, Path file) {
        if (!artifacts.exists(key)) {
            try (InputStream in = Files.newInputStream(file)) {
                artifacts.put(key, in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return artifacts.uri(key);
    }

    private String putOnce(String key, byte[] bytes) {
        if (!artifacts.exists(key)) {
            artifacts.put(key, new java.io.ByteArrayInputStream(bytes));
        }
        return artifacts.uri(key);
    }

    /** Copies the source to a local temporary file: it is read twice, and S3 sources are read once. */
    private Path fetch(String source) {
        Path local = tempFile("source");
        try {
            if (source.startsWith("file:")) {
                Path path;
                try {
                    path = Path.of(URI.create(source));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("source '" + source + "' is not a valid file URI: use "
                            + "file:///absolute/path.csv", e);
                }
                Files.copy(path, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                String key;
                try {
                    key = artifacts.keyOf(source);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("source '" + source + "' is neither a file:// URI nor inside the "
                            + "artifact store (" + artifacts.uri("datasets") + "...): upload it there first", e);
                }
                try (InputStream in = artifacts.get(key)) {
                    Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return local;
        } catch (NoSuchFileException | ArtifactNotFoundException e) {
            deleteQuietly(local);
            throw new InvalidInputException("source '" + source + "' does not exist: check the path", e);
        } catch (IOException e) {
            deleteQuietly(local);
            throw new UncheckedIOException("cannot read " + source, e);
        } catch (RuntimeException e) {
            deleteQuietly(local);
            throw e;
        }
    }

    private static String format(IngestRequest request) {
        String format = request.format();
        if (format == null || format.isBlank()) {
            String path = request.source().toLowerCase(Locale.ROOT);
            format = path.endsWith(".jsonl") || path.endsWith(".ndjson") ? "jsonl" : "csv";
        }
        format = format.trim().toLowerCase(Locale.ROOT);
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw new InvalidInputException("format must be 'csv' or 'jsonl', got '" + request.format() + "'");
        }
        return format;
    }

    private static String checkName(String name) {
        try {
            return Require.name(name, "dataset");
        } catch (InvalidRecordException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    private static void requireColumn(String column, List<String> header, String what) {
        if (!header.contains(column)) {
            throw new InvalidInputException(what + " '" + column + "' is not in the file; its columns are " + header);
        }
    }

    private static Path tempFile(String what) {
        try {
            return Files.createTempFile("flywheel-ingest-" + what, ".tmp");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // temporary file in java.io.tmpdir
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }

    /** What pass 1 learns about one column. */
    static final class ColumnStats {
        long count;
        long nonMissing;
        long numeric;
        long bool;
        String example;
        final Set<String> distinct = new HashSet<>();
        boolean distinctOverflow;

        void add(String value) {
            count++;
            if (Values.isMissing(value)) {
                return;
            }
            nonMissing++;
            if (example == null) {
                example = value.trim();
            }
            if (Values.number(value) != null) {
                numeric++;
            }
            if (Values.bool(value) != null) {
                bool++;
            }
            if (distinct.size() < DISTINCT_CAP) {
                distinct.add(value.trim());
            } else if (!distinct.contains(value.trim())) {
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
            if (bool >= 0.9 * nonMissing && bool > 0) {
                return ColumnType.BOOLEAN;
            }
            boolean mostlyUnique = distinctOverflow || distinct.size() > 0.5 * nonMissing;
            return distinct.size() > MAX_CATEGORIES && mostlyUnique ? ColumnType.TEXT : ColumnType.CATEGORICAL;
        }

        boolean looksLikeId(String name) {
            boolean unique = !distinctOverflow && distinct.size() == nonMissing && nonMissing == count && count > 20;
            return unique && (ID_NAME.matcher(name).matches() || inferType() == ColumnType.TEXT);
        }
    }
}
