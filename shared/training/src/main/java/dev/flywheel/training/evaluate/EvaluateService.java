package dev.flywheel.training.evaluate;

import java.time.Clock;
import dev.flywheel.store.Stores;
import dev.flywheel.training.steps.EvaluateRequest;
import dev.flywheel.training.steps.EvaluateResult;
import dev.flywheel.training.steps.GateConfig;

import dev.flywheel.domain.EvaluationEvidence;
import dev.flywheel.domain.EvaluationEvidence.ChampionRef;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.RowSet;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.logging.LogContext;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.preprocess.RowSplitter;
import dev.flywheel.serving.DjlModelPredictor;
import dev.flywheel.serving.ModelPackage;
import dev.flywheel.serving.Prediction;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.store.ArtifactIntegrityException;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the best candidate by validation metric, scores it on its test rows, and compares it with the current
 * champion on the test rows that the champion never trained on either (each model through its own package,
 * loaded with {@link ModelPackage}: the serving path). Fails closed: a champion that cannot be read fails the step
 * with a typed error, and a comparison on too few rows or on an undefined metric is no pass.
 */
public final class EvaluateService {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateService.class);
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String UNDECIDED = "undecided";

    private final ArtifactStore artifacts;
    private final ModelRegistry models;

    public EvaluateService(ArtifactStore artifacts, ModelRegistry models) {
        this.artifacts = artifacts;
        this.models = models;
    }

    /** The service over a process's stores (the Lambda handler's and the local runtime's wiring). */
    public static EvaluateService over(Stores stores, Clock clock) {
        return new EvaluateService(stores.artifacts(), stores.registries().models());
    }

    /**
     * How the champion fared against the challenger, as {@link #decide} needs it.
     *
     * @param championVersion    the judged champion
     * @param comparedRows       test rows neither model trained on
     * @param requiredRows       the fewest compared rows the gate decides on
     * @param notComparable      why the champion's training rows cannot be told apart, or null
     * @param challengerMetrics  the challenger on the compared rows
     * @param championMetrics    the champion on the compared rows
     */
    record Comparison(int championVersion, long comparedRows, long requiredRows, String notComparable,
                      Map<String, Double> challengerMetrics, Map<String, Double> championMetrics) {
    }

    public EvaluateResult evaluate(EvaluateRequest request) {
        FeatureSet features = request.features();
        if (features == null || request.model() == null) {
            throw new InvalidInputException("model and features are required");
        }
        if (request.candidates() == null || request.candidates().isEmpty()) {
            throw new InvalidInputException("candidates must list at least one train output");
        }
        if (request.candidates().stream().anyMatch(Objects::isNull)) {
            throw new InvalidInputException("candidates must not contain null: each is the output of a train step");
        }
        if (features.task() == null || features.split() == null) {
            throw new InvalidInputException("features.task and features.split are missing: pass the whole output of "
                    + "the preprocess step");
        }
        TrainResult selected = request.candidates().get(0);
        for (TrainResult c : request.candidates()) {
            if (c.betterThan(selected)) {
                selected = c;
            }
        }
        GateConfig gate = (request.gate() == null ? new GateConfig(null, null, null, null) : request.gate())
                .withDefaults(features.task());
        try (LogContext ignored = LogContext.with(LogContext.MODEL, request.model(), LogContext.RUN_ID,
                selected.runId())) {
            PreprocessService.Table test = PreprocessService.readTestRows(artifacts, features);
            List<String> truth = test.column(features.target());
            RowSplitter splitter = RowSplitter.of(features.split(), test.names());
            List<String> ids = new ArrayList<>(test.rows().size());
            for (String[] row : test.rows()) {
                ids.add(splitter.identityHash(splitter.identity(row)));
            }
            RowSet testRows = RowSplitter.rowSet(ids);
            List<Prediction> challenger = predict(selected.packageUri(), selected.packageSha256(), features,
                    test.asMaps(), "the challenger (run " + selected.runId() + ")");
            Map<String, Double> metrics = Metrics.of(features.task(), features.classes(), challenger, truth);

            Optional<ModelAlias> alias = models.alias(request.model(), ModelAlias.CHAMPION);
            ChampionRef judged = alias.map(a -> new ChampionRef(a.version(), a.revision())).orElse(ChampionRef.NONE);
            Comparison comparison = null;
            RowSet comparedRows = null;
            EvaluateResult.Champion champion = null;
            if (alias.isPresent()) {
                ModelVersion version = models.get(request.model(), alias.get().version());
                int[] compared = comparable(version, test);
                List<String> comparedIds = new ArrayList<>(compared.length);
                for (int i : compared) {
                    comparedIds.add(ids.get(i));
                }
                comparedRows = RowSplitter.rowSet(comparedIds);
                long required = gate.requiredComparedRows(test.rows().size());
                Map<String, Double> championMetrics = Map.of();
                Map<String, Double> challengerMetrics = Map.of();
                if (compared.length >= required && compared.length > 0) {
                    PreprocessService.Table rows = test.select(compared);
                    List<String> comparedTruth = rows.column(features.target());
                    List<Prediction> incumbent = predict(version.artifactUri(), version.artifactSha256(), features,
                            rows.asMaps(), "the champion (version " + version.version() + ")");
                    List<Prediction> challengerOnCompared = new ArrayList<>(compared.length);
                    for (int i : compared) {
                        challengerOnCompared.add(challenger.get(i));
                    }
                    championMetrics = Metrics.of(features.task(), features.classes(), incumbent, comparedTruth);
                    challengerMetrics = Metrics.of(features.task(), features.classes(), challengerOnCompared,
                            comparedTruth);
                }
                comparison = new Comparison(version.version(), compared.length, required,
                        notComparable(version, test), challengerMetrics, championMetrics);
                champion = new EvaluateResult.Champion(version.version(), alias.get().revision(), championMetrics);
            }
            EvaluateResult.GateDecision decision = decide(gate, metrics, comparison);
            EvaluationEvidence evidence = new EvaluationEvidence(features.split(), testRows, comparedRows, judged,
                    champion == null ? Map.of() : champion.metrics(),
                    comparison == null ? Map.of() : comparison.challengerMetrics(), decision.verdict(),
                    decision.reasons());
            LOG.info("evaluated [runId={}, {}={}, verdict={}, testRows={}, comparedRows={}, champion={}]",
                    selected.runId(), gate.metric(), metrics.get(gate.metric()), decision.verdict(),
                    testRows.count(), comparedRows == null ? 0 : comparedRows.count(), judged.version());
            return new EvaluateResult(request.model(), selected, metrics, champion, decision, evidence);
        }
    }

    /**
     * The test rows (indices) the champion never trained on: those its own recorded split puts in its test set.
     * Rows it never saw at all are left out too when its split would have trained on them: the split alone
     * decides, so the gate never needs the champion's data.
     */
    private static int[] comparable(ModelVersion champion, PreprocessService.Table test) {
        if (notComparable(champion, test) != null) {
            return new int[0];
        }
        RowSplitter split = RowSplitter.of(champion.evaluation().split(), test.names());
        int[] indices = new int[test.rows().size()];
        int n = 0;
        for (int i = 0; i < test.rows().size(); i++) {
            if (split.part(test.rows().get(i)) == RowSplitter.TEST) {
                indices[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(indices, n);
    }

    /** Why the champion's training rows cannot be told apart among these rows, or null when they can. */
    private static String notComparable(ModelVersion champion, PreprocessService.Table test) {
        if (champion.evaluation() == null) {
            return "champion v" + champion.version() + " records no split (it was registered without an "
                    + "evaluation, or by an older Flywheel), so the rows it trained on are unknown";
        }
        SplitSpec split = champion.evaluation().split();
        if (!RowSplitter.covers(split, test.names())) {
            return "champion v" + champion.version() + " identified rows by " + split.identityColumns()
                    + ", which this data does not all have, so the rows it trained on cannot be told apart";
        }
        return null;
    }

    private List<Prediction> predict(String uri, String sha256, FeatureSet features, List<Map<String, Object>> rows,
                                     String what) {
        DjlModelPredictor predictor;
        try {
            predictor = ModelPackage.load(artifacts, uri, sha256);
        } catch (ArtifactNotFoundException e) {
            throw new ArtifactIntegrityException("the package of " + what + " is missing: " + uri + ". Restore it, "
                    + "or move the champion to a version whose package exists (flywheel models rollback / promote)",
                    e);
        }
        try (predictor) {
            if (predictor.metadata().task() != features.task()
                    || !predictor.metadata().classes().equals(features.classes())) {
                throw new InvalidInputException(what + " predicts " + predictor.metadata().task() + " "
                        + predictor.metadata().classes() + ", but this data is " + features.task() + " "
                        + features.classes() + ": they cannot be compared; train it under another model name");
            }
            return predictor.predictBatch(rows);
        }
    }

    /**
     * The gate: absolute thresholds on the challenger's test metrics, and (when there is a champion) a strictly
     * better {@code metric} than the champion's on rows neither trained on. Without enough such rows, or with an
     * undefined metric, the verdict is {@value #UNDECIDED}: no pass.
     *
     * @param comparison null when the model has no champion
     */
    static EvaluateResult.GateDecision decide(GateConfig gate, Map<String, Double> metrics, Comparison comparison) {
        if (!metrics.containsKey(gate.metric())) {
            throw new InvalidInputException("gate metric '" + gate.metric() + "' is not one of " + metrics.keySet());
        }
        List<String> reasons = new ArrayList<>();
        boolean failed = false;
        boolean undecided = false;
        for (Map.Entry<String, Double> t : gate.thresholds().entrySet()) {
            if (!metrics.containsKey(t.getKey())) {
                throw new InvalidInputException("gate threshold metric '" + t.getKey() + "' is not one of "
                        + metrics.keySet());
            }
            Double value = metrics.get(t.getKey());
            boolean higher = MlTask.higherIsBetter(t.getKey());
            if (value == null) {
                failed = true;
                reasons.add(String.format(Locale.ROOT, "%s is undefined on the test rows: threshold %s %.4f not met",
                        t.getKey(), higher ? ">=" : "<=", t.getValue()));
                continue;
            }
            boolean ok = higher ? value >= t.getValue() : value <= t.getValue();
            failed |= !ok;
            reasons.add(String.format(Locale.ROOT, "%s %.4f %s threshold %s %.4f", t.getKey(), value,
                    ok ? "meets" : "fails", higher ? ">=" : "<=", t.getValue()));
        }
        if (comparison == null) {
            reasons.add("no champion yet: judged on the thresholds alone");
        } else if (comparison.notComparable() != null) {
            undecided = true;
            reasons.add("cannot compare with the champion: " + comparison.notComparable());
        } else if (comparison.comparedRows() < comparison.requiredRows()) {
            undecided = true;
            reasons.add(String.format(Locale.ROOT, "cannot compare with champion v%d: only %d test rows are ones it "
                            + "never trained on, fewer than the %d needed (gate.minComparedRows, or the whole test set "
                            + "when smaller)", comparison.championVersion(), comparison.comparedRows(),
                    comparison.requiredRows()));
        } else {
            Double challenger = comparison.challengerMetrics().get(gate.metric());
            Double incumbent = comparison.championMetrics().get(gate.metric());
            if (challenger == null || incumbent == null) {
                undecided = true;
                reasons.add(String.format(Locale.ROOT, "cannot compare with champion v%d: %s is undefined on the %d "
                        + "rows compared", comparison.championVersion(), gate.metric(), comparison.comparedRows()));
            } else {
                boolean higher = MlTask.higherIsBetter(gate.metric());
                double improvement = higher ? challenger - incumbent : incumbent - challenger;
                // Strictly better: an equal challenger (the same data and seed again) never replaces the champion.
                boolean ok = improvement > gate.minImprovement();
                failed |= !ok;
                reasons.add(String.format(Locale.ROOT, "%s %.4f vs champion v%d %.4f on the %d test rows neither "
                                + "trained on: improvement %.4f %s minimum %.4f", gate.metric(), challenger,
                        comparison.championVersion(), incumbent, comparison.comparedRows(), improvement,
                        ok ? ">" : "<=", gate.minImprovement()));
            }
        }
        String verdict = undecided ? UNDECIDED : failed ? FAILED : PASSED;
        return new EvaluateResult.GateDecision(verdict.equals(PASSED), verdict, gate.metric(), reasons);
    }
}
