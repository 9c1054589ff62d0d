package dev.flywheel.training.ingest;

import dev.flywheel.store.Stores;
import dev.flywheel.training.steps.ColumnDomains;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.IngestResult;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnRole;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Require;
import dev.flywheel.domain.Schema;
import dev.flywheel.io.ScratchFolder;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.logging.WorkProgress;
import dev.flywheel.training.DataValidationException;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.training.steps.LeftOutColumn;
import dev.flywheel.data.Values;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.StoredArtifact;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates raw tabular data, infers (first version) or enforces (later versions) its schema, and registers the
 * accepted rows as a content-addressed dataset version. Streams the file: memory does not grow with its size.
 *
 * <p>Artifacts of a version live under {@code datasets/<name>/<sha256>/} ({@link DatasetFiles}): {@code data.csv}
 * (canonical accepted rows), {@code schema.json}, {@code domains.json} and, when rows were rejected,
 * {@code quarantine.jsonl}; the version records each one's sha256. Nothing is written when the input is rejected,
 * and nothing new when the same content was ingested before, except that a stored file that no longer matches is
 * restored from the identical new copy.
 *
 * <p>Reading rules (also in the README): a value is missing only when its field is empty or it is one of the
 * tokens the user listed ({@code naValues}); a column is boolean only when every value is {@code true} or
 * {@code false}; a column is an identifier only when the user names it ({@code id}) or, on strong evidence, when
 * its name is an identifier's and its integer or text values are all distinct. Every column left out of the model
 * is reported with its reason.
 */
public final class IngestService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final double DEFAULT_MAX_BAD_ROW_FRACTION = 0.05;
    /** A column with more distinct values than this (and mostly distinct) is text, not a category. */
    static final int MAX_CATEGORIES = 100;
    private static final int DISTINCT_CAP = 10_000;
    /** Names that are an identifier's: id, uuid, guid, key, or a word ending in _id / -id / Id (customer_id). */
    private static final Pattern ID_NAME = Pattern.compile("(?i:id|uuid|guid|key)|.+[_-](?i:id|uuid|key)|.+[a-z]Id");
    private static final CSVFormat CANONICAL = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    /** How to start over with other reading rules, in the words of both the CLI and the execution input. */
    private static final String ANOTHER_DATASET = "ingest the file under another dataset name (--dataset NAME, or "
            + "\"dataset\" in the execution input)";
    /** Values that often mean "missing" in exported files: named in the error when they fail validation. */
    private static final Set<String> MISSING_LOOKALIKES = Set.of("na", "n/a", "null", "none", "nan", "?", "-", ".",
            "missing", "#n/a");
    /** Rows between two progress reports. */
    private static final int PROGRESS_ROWS = 100_000;

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;
    private final Clock clock;

    public IngestService(ArtifactStore artifacts, DatasetRegistry datasets, Clock clock) {
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.clock = clock;
    }

    /** The service over a process's stores (the Lambda handler's and the local runtime's wiring). */
    public static IngestService over(Stores stores, Clock clock) {
        return new IngestService(stores.artifacts(), stores.registries().datasets(), clock);
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
        Values.Missing missing = missingValues(request, previous);
        Profile profile = profile(file, format, missing);

        Schema schema;
        if (previous.isPresent()) {
            schema = previous.get().schema();
            enforce(schema, request, profile, warnings);
        } else {
            schema = request.schema() != null ? declared(request, profile.header(), missing)
                    : infer(request, profile, missing, warnings);
        }
        checkColumns(schema, profile.stats(), warnings);

        Path data = tempFile("data");
        Path quarantine = tempFile("quarantine");
        try {
            Validated validated = validate(file, format, schema, missing, profile.header(), data, quarantine);
            long total = validated.accepted() + validated.bad();
            if (validated.bad() > maxBad * total) {
                throw new DataValidationException(String.format(Locale.ROOT,
                        "%d of %d rows (%.1f%%) failed validation, more than maxBadRowFraction %.3f allows "
                                + "(they would be quarantined below it); first reasons: %s%s", validated.bad(), total,
                        100.0 * validated.bad() / total, maxBad, String.join("; ", validated.firstReasons()),
                        validated.missingLookalikes().isEmpty() ? "" : ". If " + validated.missingLookalikes()
                                + " mean a missing value, list them: --na-values "
                                + String.join(",", validated.missingLookalikes()) + " (\"naValues\" in the "
                                + "execution input)"));
            }
            if (validated.accepted() == 0) {
                throw new DataValidationException("no row passed validation; first reasons: "
                        + String.join("; ", validated.firstReasons()));
            }
            Optional<DatasetVersion> existing = datasets.findBySha256(name, validated.sha256());
            if (existing.isPresent()) {
                return existing(existing.get(), schema, profile, validated, data, quarantine, warnings);
            }
            // The categories of the dataset's first version: later versions warn about the ones it did not have.
            ColumnDomains domains = previous.isPresent() ? readDomains(name) : domainsOf(schema, profile.stats());
            warnAboutUnseenCategories(domains, profile.stats(), warnings);
            return register(name, request, schema, previous.isEmpty() ? domains : null, validated, data, quarantine,
                    warnings);
        } finally {
            deleteQuietly(data);
            deleteQuietly(quarantine);
        }
    }

    /**
     * Content ingested before: the existing version, nothing new written, except that a registered file which no
     * longer matches (changed or deleted in the store) is restored from the identical fresh copy.
     */
    private IngestResult existing(DatasetVersion version, Schema schema, Profile profile, Validated validated,
                                  Path data, Path quarantine, List<String> warnings) {
        restore(version, DatasetFiles.DATA, () -> fileBytes(data), warnings);
        restore(version, DatasetFiles.QUARANTINE, () -> fileBytes(quarantine), warnings);
        restore(version, DatasetFiles.SCHEMA, () -> Json.write(schema).getBytes(StandardCharsets.UTF_8), warnings);
        restore(version, DatasetFiles.DOMAINS, () -> Json.write(domainsOf(schema, profile.stats()))
                .getBytes(StandardCharsets.UTF_8), warnings);
        LOG.info("identical data ingested before [dataset={}, version={}]", version.name(), version.version());
        String quarantineKey = DatasetFiles.key(version, DatasetFiles.QUARANTINE);
        return new IngestResult(version, false,
                version.files().containsKey(DatasetFiles.QUARANTINE) ? artifacts.uri(quarantineKey) : null,
                validated.bad(), leftOut(schema), warnings);
    }

    /** Writes the files of a new version and registers it; {@code domains} only for a dataset's first version. */
    private IngestResult register(String name, IngestRequest request, Schema schema, ColumnDomains domains,
                                  Validated validated, Path data, Path quarantine, List<String> warnings) {
        String prefix = DatasetFiles.prefix(name, validated.sha256());
        Map<String, String> files = new TreeMap<>();
        StoredArtifact dataFile = putFile(prefix + DatasetFiles.DATA, data);
        files.put(DatasetFiles.DATA, dataFile.sha256());
        files.put(DatasetFiles.SCHEMA, putBytes(prefix + DatasetFiles.SCHEMA,
                Json.write(schema).getBytes(StandardCharsets.UTF_8)).sha256());
        if (domains != null) {
            files.put(DatasetFiles.DOMAINS, putBytes(prefix + DatasetFiles.DOMAINS,
                    Json.write(domains).getBytes(StandardCharsets.UTF_8)).sha256());
        }
        String quarantineUri = null;
        if (validated.bad() > 0) {
            StoredArtifact stored = putFile(prefix + DatasetFiles.QUARANTINE, quarantine);
            files.put(DatasetFiles.QUARANTINE, stored.sha256());
            quarantineUri = stored.uri();
        }
        DatasetVersion draft = new DatasetVersion(name, 0, validated.sha256(), schema, validated.accepted(),
                validated.bad(), request.source(), dataFile.uri(), clock.instant(), files);
        DatasetRegistry.Registration registration = datasets.register(draft);
        LOG.info("ingested [dataset={}, version={}, rows={}, quarantined={}, created={}]", name,
                registration.dataset().version(), validated.accepted(), validated.bad(), registration.created());
        return new IngestResult(registration.dataset(), registration.created(), quarantineUri, validated.bad(),
                leftOut(schema), warnings);
    }

    private static void warnAboutUnseenCategories(ColumnDomains domains, Map<String, ColumnStats> stats,
                                                  List<String> warnings) {
        domains.categories().forEach((column, known) -> {
            ColumnStats s = stats.get(column);
            if (s == null) {
                return;
            }
            Set<String> knownSet = new HashSet<>(known);
            Set<String> unseen = new TreeSet<>();
            for (String value : s.distinct) {
                if (!knownSet.contains(value)) {
                    unseen.add(value);
                }
            }
            if (!unseen.isEmpty()) {
                warnings.add("column '" + column + "' has categories not seen in the dataset's first version: "
                        + (unseen.size() > 10 ? List.copyOf(unseen).subList(0, 10) + " and " + (unseen.size() - 10)
                        + " more" : unseen));
            }
        });
    }

    /** Puts back a registered file whose stored copy is missing or changed, from an identical fresh copy. */
    private void restore(DatasetVersion version, String file, java.util.function.Supplier<byte[]> fresh,
                         List<String> warnings) {
        String expected = version.files().get(file);
        if (expected == null) {
            return;
        }
        String key = DatasetFiles.key(version, file);
        Optional<String> stored = artifacts.stat(key).map(StoredArtifact::sha256);
        if (stored.isPresent() && stored.get().equals(expected)) {
            return;
        }
        byte[] bytes = fresh.get();
        if (!Hashing.sha256(bytes).equals(expected)) {
            throw new IllegalStateException("the canonical " + file + " of '" + version.name() + "' v"
                    + version.version() + " came out with sha256 " + Hashing.sha256(bytes) + ", not " + expected);
        }
        StoredArtifact written = putBytes(key, bytes);
        if (!written.sha256().equals(expected)) {
            throw new IllegalStateException("the canonical " + file + " of '" + version.name() + "' v"
                    + version.version() + " came out with sha256 " + written.sha256() + ", not " + expected);
        }
        warnings.add("restored " + artifacts.uri(key) + ": it was " + (stored.isPresent() ? "changed" : "missing")
                + " and did not match what was registered");
        LOG.warn("dataset file restored [key={}, was={}]", key, stored.orElse("missing"));
    }

    /** The result of pass 2. @param sha256 the dataset version's content address (schema + canonical rows) */
    private record Validated(long accepted, long bad, List<String> firstReasons, Set<String> missingLookalikes,
                             String sha256) {
    }

    /** What pass 1 learnt of the file: its header and every column's statistics. */
    private record Profile(List<String> header, Map<String, ColumnStats> stats) {
    }

    /** Pass 1: profiles every column (types, distinct values, missing counts). */
    private static Profile profile(Path file, String format, Values.Missing missing) {
        Map<String, ColumnStats> stats = new LinkedHashMap<>();
        List<String> header;
        long rows = 0;
        try (TabularReader reader = TabularReader.open(file, format)) {
            header = reader.header();
            header.forEach(h -> stats.put(h, new ColumnStats(missing)));
            WorkProgress progress = WorkProgress.current();
            for (TabularReader.Row row : reader) {
                rows++;
                if (rows % PROGRESS_ROWS == 0) {
                    progress.report("rows profiled", rows, -1);
                }
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
        return new Profile(header, stats);
    }

    /**
     * Pass 2: validates each row; writes the canonical accepted rows and the quarantined rows (with reasons) to
     * temporary files, hashing the schema and the canonical rows into the version's content address.
     */
    private static Validated validate(Path file, String format, Schema schema, Values.Missing missing,
                                      List<String> header, Path data, Path quarantine) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            position.put(header.get(i), i);
        }
        MessageDigest digest = Hashing.sha256Digest();
        digest.update(Json.write(schema).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        long accepted = 0;
        long bad = 0;
        List<String> firstReasons = new ArrayList<>();
        Set<String> missingLookalikes = new TreeSet<>();
        try (TabularReader reader = TabularReader.open(file, format);
             OutputStream dataOut = new DigestOutputStream(Files.newOutputStream(data), digest);
             Writer dataWriter = new BufferedWriter(new OutputStreamWriter(dataOut, StandardCharsets.UTF_8), 1 << 16);
             CSVPrinter printer = new CSVPrinter(dataWriter, CANONICAL);
             Writer quarantineWriter = Files.newBufferedWriter(quarantine, StandardCharsets.UTF_8)) {
            printer.printRecord(schema.names());
            List<String> canonical = new ArrayList<>(schema.columns().size());
            WorkProgress progress = WorkProgress.current();
            for (TabularReader.Row row : reader) {
                if (row.rowNumber() % PROGRESS_ROWS == 0) {
                    progress.report("rows validated", row.rowNumber(), -1);
                }
                String column = null;
                String reason = row.problem();
                canonical.clear();
                if (reason == null) {
                    for (Column c : schema.columns()) {
                        String raw = row.values().get(position.get(c.name()));
                        String value = canonical(c, raw, missing);
                        if (value == null) {
                            column = c.name();
                            if (!missing.test(raw) && MISSING_LOOKALIKES.contains(raw.trim().toLowerCase(Locale.ROOT))) {
                                missingLookalikes.add(raw.trim());
                            }
                            reason = missing.test(raw)
                                    ? "missing value in required column '" + c.name() + "'"
                                    : "'" + abbreviate(raw) + "' is not " + (c.type() == ColumnType.NUMERIC
                                    ? "a number" : "a boolean (true or false)") + " (column '" + c.name() + "' is "
                                    + c.type() + ")";
                            break;
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
            throw new UncheckedIOException("cannot write the canonical data", e);
        }
        return new Validated(accepted, bad, firstReasons, missingLookalikes, Hashing.hex(digest.digest()));
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

    /** The missing-value tokens: the request's on a first ingest; the dataset's own on later ones. */
    private static Values.Missing missingValues(IngestRequest request, Optional<DatasetVersion> previous) {
        if (previous.isEmpty()) {
            return Values.Missing.of(request.naValues());
        }
        List<String> kept = previous.get().schema().missingValues();
        Values.Missing requested = Values.Missing.of(request.naValues());
        if (!request.naValues().isEmpty() && !requested.equals(Values.Missing.of(kept))) {
            throw new InvalidInputException("dataset '" + previous.get().name() + "' reads " + describe(kept)
                    + " as missing since its first version, not " + requested.sorted()
                    + ": the same file must read the same way in every version; leave the missing-value tokens out "
                    + "to keep them, or " + ANOTHER_DATASET);
        }
        return Values.Missing.of(kept);
    }

    private static String describe(List<String> tokens) {
        return tokens.isEmpty() ? "only an empty field" : "an empty field and " + tokens;
    }

    private static Schema infer(IngestRequest request, Profile profile, Values.Missing missing,
                                List<String> warnings) {
        List<String> header = profile.header();
        String target = request.target();
        if (target == null || target.isBlank()) {
            throw new InvalidInputException("target is required on a dataset's first ingest: name the column to "
                    + "predict, one of " + header);
        }
        requireColumn(target, header, "target");
        for (String excluded : request.exclude()) {
            requireColumn(excluded, header, "excluded column");
            if (excluded.equals(target)) {
                throw new InvalidInputException("column '" + target + "' is the target: it cannot be excluded too");
            }
        }
        for (String id : request.id()) {
            requireColumn(id, header, "id column");
            if (id.equals(target) || request.exclude().contains(id)) {
                throw new InvalidInputException("column '" + id + "' cannot be both an id and the "
                        + (id.equals(target) ? "target" : "an excluded column"));
            }
        }
        List<Column> columns = new ArrayList<>();
        for (String name : header) {
            ColumnStats s = profile.stats().get(name);
            ColumnType type = s.inferType();
            ColumnRole role = ColumnRole.FEATURE;
            String reason = null;
            if (name.equals(target)) {
                role = ColumnRole.TARGET;
                if (type == ColumnType.TEXT || type == ColumnType.BOOLEAN) {
                    type = ColumnType.CATEGORICAL;
                }
            } else if (request.id().contains(name)) {
                role = ColumnRole.ID;
                reason = "identifier named by the user (id)";
            } else if (request.exclude().contains(name)) {
                role = ColumnRole.EXCLUDED;
                reason = "excluded by the user (exclude)";
            } else if (request.id().isEmpty() && s.looksLikeId(name)) {
                role = ColumnRole.ID;
                reason = "identifier: its name is an identifier's and all " + s.nonMissing + " values are distinct "
                        + (s.integer == s.nonMissing ? "integers" : "texts");
                warnings.add("column '" + name + "' is taken as an identifier (" + reason.substring(12)
                        + "): not a feature; name the identifiers yourself with id to decide otherwise");
            } else if (type == ColumnType.TEXT) {
                reason = "free text: " + s.distinct.size() + (s.distinctOverflow ? "+" : "") + " distinct values in "
                        + s.nonMissing + " rows";
            }
            columns.add(new Column(name, type, role, role != ColumnRole.TARGET, reason));
        }
        return new Schema(columns, missing.sorted(), request.id());
    }

    private static Schema declared(IngestRequest request, List<String> header, Values.Missing missing) {
        List<Column> columns = new ArrayList<>();
        for (Column c : request.schema().columns()) {
            requireColumn(c.name(), header, "schema column");
            ColumnRole role = c.role();
            String reason = c.reason();
            if (request.target() != null && c.name().equals(request.target())) {
                role = ColumnRole.TARGET;
            } else if (request.id().contains(c.name())) {
                role = ColumnRole.ID;
                reason = "identifier named by the user (id)";
            } else if (request.exclude().contains(c.name())) {
                role = ColumnRole.EXCLUDED;
                reason = "excluded by the user (exclude)";
            } else if (role == ColumnRole.TARGET && request.target() != null) {
                role = ColumnRole.FEATURE;
            }
            if (role == ColumnRole.ID && reason == null) {
                reason = "identifier declared in the schema";
            } else if (role == ColumnRole.EXCLUDED && reason == null) {
                reason = "excluded in the declared schema";
            }
            columns.add(c.withRole(role, reason));
        }
        List<String> identity = !request.id().isEmpty() ? request.id() : request.schema().identity();
        List<String> tokens = !request.naValues().isEmpty() ? missing.sorted() : request.schema().missingValues();
        try {
            Schema schema = new Schema(columns, tokens, identity);
            if (schema.target().isEmpty()) {
                throw new InvalidInputException("the declared schema has no TARGET column and the request names "
                        + "none: set \"target\"");
            }
            return schema;
        } catch (InvalidRecordException e) {
            throw new InvalidInputException("the declared schema is invalid: " + e.getMessage(), e);
        }
    }

    private static void enforce(Schema schema, IngestRequest request, Profile profile, List<String> warnings) {
        List<String> header = profile.header();
        String target = schema.target().map(Column::name).orElse(null);
        if (request.target() != null && !request.target().isBlank() && !request.target().equals(target)) {
            throw new InvalidInputException("the dataset predicts '" + target + "' since its first version, not '"
                    + request.target() + "': a dataset keeps its target; " + ANOTHER_DATASET);
        }
        List<String> excluded = schema.columns().stream().filter(c -> c.role() == ColumnRole.EXCLUDED)
                .map(Column::name).sorted().toList();
        if (!request.exclude().isEmpty() && !request.exclude().stream().sorted().distinct().toList().equals(excluded)) {
            throw new InvalidInputException("the dataset excludes " + excluded + " since its first version, not "
                    + request.exclude().stream().sorted().distinct().toList() + ": a dataset keeps its columns' roles; "
                    + "leave the exclusions out to keep them, or " + ANOTHER_DATASET);
        }
        if (!request.id().isEmpty() && !request.id().equals(schema.identity())) {
            throw new InvalidInputException("the dataset's rows are identified by " + (schema.identity().isEmpty()
                    ? "their content" : schema.identity()) + " since its first version, not " + request.id()
                    + ": a row's identity decides its side of the split and cannot change; leave the ids out, or "
                    + ANOTHER_DATASET);
        }
        for (Column c : schema.columns()) {
            if (!header.contains(c.name())) {
                throw new InvalidInputException("column '" + c.name() + "' of the dataset's schema is missing from "
                        + "the file; the file has " + header);
            }
            ColumnStats s = profile.stats().get(c.name());
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
                        + "column's type needs a new dataset: " + ANOTHER_DATASET);
            }
        }
        for (String name : header) {
            if (schema.column(name).isEmpty()) {
                warnings.add("column '" + name + "' is new (not in the dataset's schema) and is ignored; "
                        + "to use it, " + ANOTHER_DATASET);
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

    private static List<LeftOutColumn> leftOut(Schema schema) {
        return schema.leftOut().stream().map(c -> new LeftOutColumn(c.name(),
                c.reason() != null ? c.reason() : c.role().name().toLowerCase(Locale.ROOT))).toList();
    }

    private static ColumnDomains domainsOf(Schema schema, Map<String, ColumnStats> stats) {
        Map<String, List<String>> categories = new LinkedHashMap<>();
        for (Column c : schema.columns()) {
            if (c.type() == ColumnType.CATEGORICAL && c.role() != ColumnRole.ID) {
                ColumnStats s = stats.get(c.name());
                if (s.distinct.size() <= DISTINCT_CAP) {
                    categories.put(c.name(), s.distinct.stream().sorted(Comparator.naturalOrder()).toList());
                }
            }
        }
        return new ColumnDomains(categories);
    }

    /** The categories of the dataset's first version, checked against the sha256 registered with it. */
    private ColumnDomains readDomains(String name) {
        DatasetVersion first = datasets.get(name, 1);
        if (!first.files().containsKey(DatasetFiles.DOMAINS)) {
            return new ColumnDomains(Map.of());
        }
        return Json.read(DatasetFiles.text(artifacts, first, DatasetFiles.DOMAINS), ColumnDomains.class);
    }

    private StoredArtifact putBytes(String key, byte[] bytes) {
        return artifacts.put(key, new ByteArrayInputStream(bytes));
    }

    private static byte[] fileBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StoredArtifact putFile(String key, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return artifacts.put(key, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return ScratchFolder.createFile("ingest-" + what, ".tmp");
    }

    private static void deleteQuietly(Path path) {
        ScratchFolder.delete(path);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }

    /** What pass 1 learns about one column. */
    static final class ColumnStats {
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
}
