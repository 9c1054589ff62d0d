package dev.flywheel.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.domain.FeatureDrift;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.monitoring.DriftSteps.Decision;
import dev.flywheel.monitoring.DriftSteps.DecideRequest;
import dev.flywheel.monitoring.DriftSteps.MonitorInput;
import dev.flywheel.monitoring.DriftSteps.OutcomeRequest;
import dev.flywheel.monitoring.DriftSteps.Partial;
import dev.flywheel.monitoring.DriftSteps.Plan;
import dev.flywheel.monitoring.DriftSteps.ProfileRequest;
import dev.flywheel.monitoring.DriftSteps.ScoreRequest;
import dev.flywheel.monitoring.DriftSteps.Scored;
import dev.flywheel.monitoring.report.DriftDocument;
import dev.flywheel.monitoring.report.HtmlReport;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.serving.ArtifactIo;
import dev.flywheel.serving.online.CaptureRecord;
import dev.flywheel.serving.online.FeedbackRecord;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.Stores;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drift monitor's steps over the artifact and metadata stores: plan a window (which capture batches), profile
 * batches of it (one Map iteration each, a partial window written per batch), score the merged window against the
 * version's baseline (report JSON + HTML, summary in the metadata store), decide (retrain, cooldown, nothing: each
 * decision recorded) and record how a retraining ended. Every step is idempotent on retry.
 *
 * <p>Layout: {@code drift/<model>/runs/<runId>/manifest.json} and {@code partials/}, {@code
 * drift/<model>/reports/<reportId>/report.json|report.html}, {@code drift/<model>/retrain/<reportId>.jsonl}.
 */
public final class DriftMonitor {
    /** Labels held in memory to join a window's captures with their feedback (about 40 MB). */
    public static final int FEEDBACK_LIMIT = 200_000;
    /** Feedback may arrive this long after the window's end and still count for it. */
    public static final Duration FEEDBACK_GRACE = Duration.ofDays(7);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Stores stores;
    private final Clock clock;
    private final Map<String, ModelBaseline> baselines = new ConcurrentHashMap<>();

    public DriftMonitor(Stores stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    private ArtifactStore artifacts() {
        return stores.artifacts();
    }

    /** The version to score, the window, and the manifest of the window's capture batches. */
    public Plan plan(MonitorInput input) {
        if (input == null || input.model() == null || input.model().isBlank()) {
            throw new InvalidInputException("the drift monitor needs the model to watch: {\"model\": \"NAME\"}");
        }
        ModelVersion version = check(input);
        Instant until = instant(input.until(), "until", clock.instant());
        int hours = input.windowHours() == null ? 24 : input.windowHours();
        if (hours < 1) {
            throw new InvalidInputException("windowHours must be at least 1, got " + hours);
        }
        Instant since = instant(input.since(), "since", until.minus(Duration.ofHours(hours)));
        if (!since.isBefore(until)) {
            throw new InvalidInputException("the window's start (" + since + ") must be before its end (" + until + ")");
        }
        String runId = input.model() + "-" + ID_TIME.format(clock.instant()) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        ArrayNode manifest = Json.mapper().createArrayNode();
        for (String key : WindowCaptures.batches(artifacts(), input.model(), since, until)) {
            manifest.addObject().put("key", key);
        }
        String manifestKey = runPrefix(input.model(), runId) + "manifest.json";
        ArtifactIo.put(artifacts(), manifestKey, Json.write(manifest).getBytes(StandardCharsets.UTF_8));
        return new Plan(runId, input.model(), version.version(), since.toString(), until.toString(),
                physicalKey(manifestKey), manifest.size());
    }

    /** The version a monitor or a batch scores: pinned, or the alias's (an unknown model and no champion said apart). */
    public ModelVersion version(String model, Integer version, String alias) {
        ModelRegistry models = stores.registries().models();
        if (models.latest(model).isEmpty()) {
            throw new dev.flywheel.registry.NotFoundException("there is no model '" + model
                    + "' (flywheel models list shows the registered ones)");
        }
        if (version != null) {
            return models.get(model, version);
        }
        String name = alias == null ? "champion" : alias;
        if (models.alias(model, name).isEmpty()) {
            throw new dev.flywheel.registry.NotFoundException("model '" + model + "' has no " + name + " yet (its "
                    + "versions are waiting for approval or were never promoted): promote one (flywheel models "
                    + "promote " + model + " N) or score a version (--model-version N)");
        }
        return models.resolve(model, name);
    }

    /** The version a monitor's input scores, its policy checked against that version's features. */
    public ModelVersion check(MonitorInput input) {
        ModelVersion version = version(input.model(), input.version(), input.alias());
        if (input.policy() != null) {
            ModelBaseline baseline = baseline(version.name(), version.version());
            Map<String, Boolean> numeric = new java.util.LinkedHashMap<>();
            baseline.pipeline().features().forEach(f -> numeric.put(f.name(), ModelBaseline.numeric(f)));
            input.policy().checkFeatures(numeric);
        }
        if (input.cooldownHours() != null && !(input.cooldownHours() >= 0)) {
            throw new InvalidInputException("cooldownHours must be 0 or more, got " + input.cooldownHours());
        }
        return version;
    }

    /** Profiles a batch of capture objects into a partial window (written, so the merge step can read it). */
    public Partial profile(ProfileRequest request) {
        Plan plan = request.batchInput();
        if (plan == null || plan.model() == null || plan.runId() == null) {
            throw new InvalidInputException("a batch of captures needs the plan as its BatchInput "
                    + "({\"Items\": [...], \"BatchInput\": {runId, model, version, windowStart, windowEnd}})");
        }
        ModelBaseline baseline = baseline(plan.model(), plan.version());
        WindowProfile window = new WindowProfile(baseline);
        Instant from = Instant.parse(plan.windowStart());
        Instant until = Instant.parse(plan.windowEnd());
        List<String> unreadable = new ArrayList<>();
        int files = 0;
        for (DriftSteps.Item item : request.items()) {
            String key = logicalKey(item.key());
            files++;
            var captures = WindowCaptures.read(artifacts(), key, plan.model(), from, until);
            if (captures.isEmpty()) {
                unreadable.add(key);
                continue;
            }
            for (CaptureRecord capture : captures.get()) {
                window.add(capture.features() == null ? Map.of() : capture.features(), capture.timestamp());
                if (capture.version() == plan.version() && capture.prediction() != null) {
                    window.addPrediction(capture.prediction());
                }
            }
        }
        String first = request.items().isEmpty() ? "empty" : request.items().get(0).key();
        String partialKey = runPrefix(plan.model(), plan.runId()) + "partials/"
                + Hashing.sha256(first.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".json";
        ObjectNode partial = Json.object();
        partial.set("window", Json.toTree(window.state()));
        partial.set("unreadable", Json.toTree(unreadable));
        ArtifactIo.put(artifacts(), partialKey, Json.write(partial).getBytes(StandardCharsets.UTF_8));
        return new Partial(partialKey, window.rows(), files, unreadable);
    }

    /** Merges the run's partial windows, joins feedback for performance, scores, writes and registers the report. */
    public Scored score(ScoreRequest request) {
        Plan plan = request.plan();
        DriftPolicy policy = request.policy() == null ? DriftPolicy.DEFAULTS : request.policy();
        ModelBaseline baseline = baseline(plan.model(), plan.version());
        WindowProfile window = new WindowProfile(baseline);
        List<String> unreadable = new ArrayList<>();
        for (String key : artifacts().list(runPrefix(plan.model(), plan.runId()) + "partials/")) {
            JsonNode partial = Json.tree(ArtifactIo.text(artifacts(), key));
            window.merge(WindowProfile.of(baseline, Json.convert(partial.get("window"), WindowProfile.State.class)));
            partial.path("unreadable").forEach(n -> unreadable.add(n.asText()));
        }
        Instant from = Instant.parse(plan.windowStart());
        Instant until = Instant.parse(plan.windowEnd());
        boolean feedbackTruncated = joinFeedback(window, plan, from, until);
        DriftDocument document = new DriftScorer(policy).score(plan.runId(), "captures", clock.instant(), from, until,
                window);
        document = withNotes(document, unreadable, feedbackTruncated);
        return register(document, policy);
    }

    /** Scores rows given directly (a batch file) against a version's baseline: {@code flywheel drift score}. */
    public Scored scoreBatch(ModelVersion version, WindowProfile window, DriftPolicy policy, String source) {
        Instant now = clock.instant();
        String id = version.name() + "-" + ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 6);
        DriftDocument document = new DriftScorer(policy).score(id, source, now, now, now, window);
        return register(document, policy);
    }

    /** A fresh, empty window over a version's baseline. */
    public WindowProfile window(ModelVersion version) {
        return new WindowProfile(baseline(version.name(), version.version()));
    }

    /** The report document behind a registered report. */
    public DriftDocument document(String reportId) {
        DriftReport report = stores.registries().driftReports().get(reportId);
        return Json.read(ArtifactIo.text(artifacts(), reportPrefix(report.model(), report.id()) + "report.json"),
                DriftDocument.class);
    }

    private Scored register(DriftDocument document, DriftPolicy policy) {
        if (stores.registries().driftReports().find(document.id()).isPresent()) {
            // a retried score step: the first attempt wrote and registered the report; it stands
            return scored(document(document.id()), policy);
        }
        String prefix = reportPrefix(document.model(), document.id());
        ArtifactIo.put(artifacts(), prefix + "report.json", Json.writePretty(document).getBytes(StandardCharsets.UTF_8));
        ArtifactIo.put(artifacts(), prefix + "report.html",
                HtmlReport.render(document).getBytes(StandardCharsets.UTF_8));
        List<FeatureDrift> summary = document.features().stream()
                .map(f -> new FeatureDrift(f.name(), f.method(), finite(f.statistic()), f.pValue(), f.threshold(),
                        f.drifted()))
                .toList();
        Scored scored = scored(document, policy);
        stores.registries().driftReports().add(new DriftReport(document.id(), document.model(), document.version(),
                document.createdAt(), document.windowStart(), document.windowEnd(), document.rows(), summary,
                document.drifted(), scored.reportUri(), scored.verdict(), document.reason()));
        return scored;
    }

    private Scored scored(DriftDocument document, DriftPolicy policy) {
        String prefix = reportPrefix(document.model(), document.id());
        boolean enough = document.rows() >= policy.minRows();
        boolean degraded = document.performance() != null && document.performance().degraded();
        String verdict = !enough ? "no verdict" : document.drifted() && degraded ? "drift and degraded"
                : document.drifted() ? "drift" : degraded ? "degraded" : "no drift";
        return new Scored(document.id(), document.model(), document.version(), verdict, document.drifted(), degraded,
                document.share(), document.rows(), document.reason(), artifacts().uri(prefix + "report.html"),
                artifacts().uri(prefix + "report.json"));
    }

    /**
     * Decides what a scored window leads to, and records the decision: retrain (claiming the model's retraining,
     * so the cooldown holds even for two monitors at once), or why not.
     */
    public Decision decide(DecideRequest request) {
        Scored report = request.report();
        MonitorInput input = request.input();
        Instant now = clock.instant();
        Integer champion = stores.registries().models().alias(report.model(), "champion")
                .map(ModelAlias::version).orElse(null);
        var registry = stores.registries().driftReports();
        String id = report.reportId() + "-decision";
        boolean trigger = report.drifted() || report.degraded();
        if ("no verdict".equals(report.verdict())) {
            return record(new DriftDecision(id, report.model(), report.reportId(), now, DriftDecision.Action.NO_VERDICT,
                    report.reason() + " Nothing is retrained on a window that gives no verdict.", null, champion,
                    null), "no-verdict", null);
        }
        if (!trigger) {
            return record(new DriftDecision(id, report.model(), report.reportId(), now, DriftDecision.Action.NO_DRIFT,
                    report.reason(), null, champion, null), "no-drift", null);
        }
        if (input.retrain() == null || input.retrain().pipelineInput() == null
                || !input.retrain().pipelineInput().isObject()) {
            return record(new DriftDecision(id, report.model(), report.reportId(), now,
                    DriftDecision.Action.NOT_CONFIGURED, report.reason() + " Nothing retrains: no training input was given "
                    + "(flywheel drift run --retrain-input FILE; on AWS, retrain.pipelineInput in the monitor's "
                    + "input).", null, champion, null),
                    "not-configured", null);
        }
        Duration cooldown = Duration.ofMillis(Math.round((input.cooldownHours() == null ? 24
                : input.cooldownHours()) * 3_600_000));
        DriftDecision retrain = new DriftDecision(id, report.model(), report.reportId(), now,
                DriftDecision.Action.RETRAIN_STARTED, report.reason() + " Retraining.", null, champion, null);
        DriftDecision claimed = registry.decisions(report.model(), 50).stream()
                .filter(d -> d.id().equals(id) && d.action() == DriftDecision.Action.RETRAIN_STARTED)
                .findFirst().orElse(null);
        // a retried decide whose first attempt claimed this report's retraining: retrain, not "cooldown" (its own)
        var claimedBefore = claimed != null ? java.util.Optional.<Instant>empty()
                : registry.claimRetraining(retrain, cooldown);
        if (claimed != null) {
            retrain = claimed;
        }
        if (claimedBefore.isPresent()) {
            return record(new DriftDecision(id, report.model(), report.reportId(), now, DriftDecision.Action.COOLDOWN,
                    report.reason() + " Not retraining: a retraining started at "
                            + claimedBefore.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + ", within the cooldown of " + human(cooldown) + " (if that retraining never ran, "
                            + "its monitor having been killed, run again with a cooldown of 0).", null, champion,
                    null),
                    "cooldown", null);
        }
        ObjectNode pipelineInput = (ObjectNode) input.retrain().pipelineInput().deepCopy();
        if (!report.model().equals(pipelineInput.path("model").asText(report.model()))) {
            throw new InvalidInputException("retrain.pipelineInput trains model '" + pipelineInput.path("model").asText()
                    + "', not the monitored '" + report.model() + "'");
        }
        pipelineInput.put("model", report.model());
        ObjectNode ingest = pipelineInput.with("ingest");
        if (input.retrain().source() != null) {
            ingest.put("source", input.retrain().source());
        } else {
            ModelBaseline baseline = baseline(report.model(), report.version());
            String key = "drift/" + report.model() + "/retrain/" + report.reportId() + ".jsonl";
            DriftReport summary = stores.registries().driftReports().get(report.reportId());
            long rows = RetrainingData.export(stores, baseline, summary.windowStart(), summary.windowEnd(), key);
            ingest.put("source", artifacts().uri(key));
            ingest.put("format", "jsonl");
            ingest.put("dataset", input.retrain().dataset() != null ? input.retrain().dataset()
                    : report.model() + "-captures");
            ingest.put("target", baseline.pipeline().target());
            ingest.set("naValues", Json.tree(Json.write(baseline.pipeline().missingValues())));
            if (rows == 0) {
                stores.registries().driftReports().releaseRetraining(retrain);
                return outcomeOf(retrain, DriftDecision.Action.RETRAIN_FAILED, "No retraining data: none of the "
                        + "window's captures has feedback with a label. Send feedback, or name the data to retrain "
                        + "on (retrain.source).", null, champion);
            }
        }
        pipelineInput.put("reason", "drift report " + report.reportId() + ": " + report.reason());
        return new Decision("retrain", id, retrain.reason(), pipelineInput);
    }

    /** Records how the retraining ended: the execution, and the champion before and after. */
    public Decision outcome(OutcomeRequest request) {
        Scored report = request.report();
        Integer champion = stores.registries().models().alias(report.model(), "champion")
                .map(ModelAlias::version).orElse(null);
        DriftDecision started = stores.registries().driftReports().decisions(report.model(), 20).stream()
                .filter(d -> d.id().equals(request.decision().decisionId())).findFirst()
                .orElseThrow(() -> new InvalidInputException("no decision '" + request.decision().decisionId()
                        + "' of model " + report.model()));
        JsonNode execution = request.execution() == null ? Json.object() : request.execution();
        String arn = execution.path("ExecutionArn").asText(null);
        boolean succeeded = request.error() == null && "SUCCEEDED".equals(execution.path("Status").asText());
        String reason;
        if (succeeded) {
            reason = champion != null && !champion.equals(started.championBefore())
                    ? "The retraining promoted v" + champion + " (was v" + started.championBefore() + ")."
                    : "The retraining finished; its gate kept v" + champion + " as the champion.";
        } else {
            reason = "The retraining failed: " + (request.error() == null ? execution.path("Status").asText("unknown")
                    : request.error()) + (request.cause() == null ? "" : " (" + abbreviate(request.cause()) + ")");
        }
        if (!succeeded) {
            // a retraining that failed did not retrain: it does not hold the cooldown
            stores.registries().driftReports().releaseRetraining(started);
        }
        return outcomeOf(started, succeeded ? DriftDecision.Action.RETRAIN_SUCCEEDED
                : DriftDecision.Action.RETRAIN_FAILED, reason, arn, champion);
    }

    private Decision outcomeOf(DriftDecision started, DriftDecision.Action action, String reason, String execution,
                               Integer championAfter) {
        String id = started.reportId() + "-" + (action == DriftDecision.Action.RETRAIN_SUCCEEDED ? "retrained"
                : "retrain-failed");
        return record(new DriftDecision(id, started.model(), started.reportId(), clock.instant(), action, reason,
                execution, started.championBefore(), championAfter), action.name().toLowerCase(Locale.ROOT)
                .replace('_', '-'), null);
    }

    private Decision record(DriftDecision decision, String action, JsonNode pipelineInput) {
        var registry = stores.registries().driftReports();
        boolean exists = registry.decisions(decision.model(), 50).stream().anyMatch(d -> d.id().equals(decision.id()));
        if (!exists) {
            registry.decide(decision);
        }
        return new Decision(action, decision.id(), decision.reason(), pipelineInput);
    }

    /** Joins the window's captures of the scored version with their feedback; true when labels were left out. */
    private boolean joinFeedback(WindowProfile window, Plan plan, Instant from, Instant until) {
        WindowCaptures.Labels labels = WindowCaptures.labels(artifacts(), plan.model(), from, until);
        if (labels.byKey().isEmpty()) {
            return false;
        }
        for (String key : WindowCaptures.batches(artifacts(), plan.model(), from, until)) {
            // a damaged capture batch is skipped here as in the profile step (which names it)
            for (CaptureRecord capture : WindowCaptures.read(artifacts(), key, plan.model(), from, until)
                    .orElse(List.of())) {
                FeedbackRecord label = capture.version() == plan.version() && capture.prediction() != null
                        ? labels.of(capture) : null;
                if (label != null) {
                    window.addOutcome(capture.prediction(), label.label(), label.value());
                }
            }
        }
        return labels.truncated();
    }

    private static DriftDocument withNotes(DriftDocument d, List<String> unreadable, boolean feedbackTruncated) {
        String reason = d.reason();
        if (!unreadable.isEmpty()) {
            reason += " " + unreadable.size() + " damaged capture batch" + (unreadable.size() == 1 ? " was" : "es were")
                    + " skipped (" + unreadable.get(0) + (unreadable.size() > 1 ? ", ..." : "") + ").";
        }
        if (feedbackTruncated) {
            reason += " Performance is measured on the first " + FEEDBACK_LIMIT + " labels only.";
        }
        if (reason.equals(d.reason())) {
            return d;
        }
        return new DriftDocument(d.id(), d.model(), d.version(), d.source(), d.createdAt(), d.windowStart(),
                d.windowEnd(), d.rows(), d.baselineRows(), d.drifted(), d.share(), d.datasetShare(), reason,
                d.features(), d.prediction(), d.performance());
    }

    private ModelBaseline baseline(String model, int version) {
        return baselines.computeIfAbsent(model + "#" + version,
                k -> ModelBaseline.load(artifacts(), stores.registries().models().get(model, version)));
    }

    static String runPrefix(String model, String runId) {
        return "drift/" + model + "/runs/" + runId + "/";
    }

    /** The key of a report's HTML. */
    public static String htmlKey(String model, String reportId) {
        return reportPrefix(model, reportId) + "report.html";
    }

    static String reportPrefix(String model, String reportId) {
        return "drift/" + model + "/reports/" + reportId + "/";
    }

    /**
     * The object key S3 sees (with the artifact prefix, for the ItemReader) from the store's key, and back: the
     * store's URI is {@code s3://bucket/<physical key>} on AWS; locally the key itself.
     */
    private String physicalKey(String key) {
        String uri = artifacts().uri(key);
        if (uri.startsWith("s3://")) {
            String rest = uri.substring("s3://".length());
            return rest.substring(rest.indexOf('/') + 1);
        }
        return key;
    }

    private String logicalKey(String physical) {
        String probe = physicalKey("k");
        String prefix = probe.substring(0, probe.length() - 1);
        return physical.startsWith(prefix) ? physical.substring(prefix.length()) : physical;
    }

    private static Instant instant(String text, String field, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field + " must be an ISO-8601 instant like 2026-12-01T00:00:00Z, got '"
                    + text + "'");
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        return seconds >= 3600 ? String.format(Locale.ROOT, "%.2f h (%d min)", seconds / 3600.0, seconds / 60)
                : seconds >= 60 ? seconds / 60 + " min" : seconds + " s";
    }


    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
