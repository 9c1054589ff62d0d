package dev.flywheel.training.ingest;

import dev.flywheel.store.Stores;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.IngestResult;

import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Require;
import dev.flywheel.domain.Schema;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.data.Values;
import dev.flywheel.registry.DatasetRegistry;
import dev.flywheel.store.ArtifactStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *
 * <p>The steps, each in its own class: {@link SourceFile} stages the source, {@link ColumnProfile} profiles its
 * columns (pass 1), {@link SchemaRules} and {@link SchemaInference} decide the schema, {@link RowValidator}
 * validates the rows and quarantines the bad ones (pass 2), and {@link DatasetWriter} stores and registers them.
 */
public final class IngestService {
    private static final double DEFAULT_MAX_BAD_ROW_FRACTION = 0.05;

    private final ArtifactStore artifacts;
    private final DatasetRegistry datasets;
    private final DatasetWriter writer;

    public IngestService(ArtifactStore artifacts, DatasetRegistry datasets, Clock clock) {
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.writer = new DatasetWriter(artifacts, datasets, clock);
    }

    /** The service over a process's stores (the Lambda handler's and the local runtime's wiring). */
    public static IngestService over(Stores stores, Clock clock) {
        return new IngestService(stores.artifacts(), stores.registries().datasets(), clock);
    }

    public IngestResult ingest(IngestRequest request) {
        String name = checkName(request.dataset());
        SourceFile.checkGiven(request.source());
        double maxBad = maxBadRowFraction(request);
        String format = SourceFile.format(request);
        try (LogContext ignored = LogContext.with(LogContext.DATASET, name);
             SourceFile source = SourceFile.fetch(artifacts, request.source(), format)) {
            return ingest(name, request, source, maxBad);
        }
    }

    private IngestResult ingest(String name, IngestRequest request, SourceFile source, double maxBad) {
        List<String> warnings = new ArrayList<>();
        Optional<DatasetVersion> previous = datasets.latest(name);
        Values.Missing missing = SchemaRules.missingValues(request, previous);
        ColumnProfile profile = ColumnProfile.read(source, missing);
        Schema schema = schema(request, previous, profile, missing, warnings);
        SchemaRules.checkColumns(schema, profile.stats(), warnings);
        try (RowValidator.Validated validated = RowValidator.validate(source, schema, missing, profile.header())) {
            validated.requireWithin(maxBad);
            Optional<DatasetVersion> existing = datasets.findBySha256(name, validated.sha256());
            if (existing.isPresent()) {
                return writer.existing(existing.get(), schema, profile, validated, warnings);
            }
            // The categories of the dataset's first version: later versions warn about the ones it did not have.
            ColumnDomains domains = previous.isPresent() ? readDomains(name) : profile.domains(schema);
            profile.warnAboutUnseenCategories(domains, warnings);
            return writer.register(name, request, schema, previous.isEmpty() ? domains : null, validated, warnings);
        }
    }

    /** A later version keeps the dataset's schema; a first one's is declared in the request or inferred. */
    private static Schema schema(IngestRequest request, Optional<DatasetVersion> previous, ColumnProfile profile,
                                 Values.Missing missing, List<String> warnings) {
        if (previous.isPresent()) {
            Schema schema = previous.get().schema();
            SchemaRules.enforce(schema, request, profile, warnings);
            return schema;
        }
        return request.schema() != null ? SchemaInference.declared(request, profile.header(), missing)
                : SchemaInference.infer(request, profile, missing, warnings);
    }

    /** The categories of the dataset's first version, checked against the sha256 registered with it. */
    private ColumnDomains readDomains(String name) {
        DatasetVersion first = datasets.get(name, 1);
        if (!first.files().containsKey(DatasetFiles.DOMAINS)) {
            return new ColumnDomains(Map.of());
        }
        return Json.read(DatasetFiles.text(artifacts, first, DatasetFiles.DOMAINS), ColumnDomains.class);
    }

    private static double maxBadRowFraction(IngestRequest request) {
        double maxBad = request.maxBadRowFraction() == null ? DEFAULT_MAX_BAD_ROW_FRACTION
                : request.maxBadRowFraction();
        if (maxBad < 0 || maxBad > 1) {
            throw new InvalidInputException("maxBadRowFraction must be between 0 and 1, got " + maxBad);
        }
        return maxBad;
    }

    private static String checkName(String name) {
        try {
            return Require.name(name, "dataset");
        } catch (InvalidRecordException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
