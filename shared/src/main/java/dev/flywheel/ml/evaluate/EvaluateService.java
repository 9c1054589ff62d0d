package dev.flywheel.ml.evaluate;

import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.logging.LogContext;
import dev.flywheel.ml.InvalidInputException;
import dev.flywheel.ml.MlTask;
import dev.flywheel.ml.features.FeatureSet;
import dev.flywheel.ml.features.PreprocessService;
import dev.flywheel.ml.model.DjlModelPredictor;
import dev.flywheel.ml.model.ModelPackage;
import dev.flywheel.ml.model.Prediction;
import dev.flywheel.ml.train.TrainResult;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.store.ArtifactStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the best candidate by validation metric, scores it and the current champion on the same raw test rows
 * (each through its own package, loaded with {@link ModelPackage}: the serving path), and decides the gate.
 */
public final class EvaluateService {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateService.class);

    private final ArtifactStore artifacts;
    private final ModelRegistry models;

    public EvaluateService(ArtifactStore artifacts, ModelRegistry models) {
        this.artifacts = artifacts;
        this.models = models;
    }

    public EvaluateResult evaluate(EvaluateRequest request) {
        FeatureSet features = request.features();
        if (features == null || request.model() == null) {
            throw new InvalidInputException("model and features are required");
        }
        if (request.candidates() == null || request.candidates().isEmpty()) {
            throw new InvalidInputException("candidates must list at least one train output");
        }
        if (request.candidates().stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidInputException("candidates must not contain null: each is the output of a train step");
        }
        if (features.task() == null) {
            throw new InvalidInputException("features.task is missing: pass the whole output of the preprocess step");
        }
        TrainResult selected = request.candidates().get(0);
        for (TrainResult c : request.candidates()) {
            if (c.betterThan(selected)) {
                selected = c;
            }
        }
        GateConfig gate = (request.gate() == null ? new GateConfig(null, null, null) : request.gate())
                .withDefaults(features.task());
        try (LogContext ignored = LogContext.with(LogContext.MODEL, request.model(), LogContext.RUN_ID,
                selected.runId())) {
            PreprocessService.Table test = PreprocessService.readRawRows(artifacts, features.prefix() + "test.csv");
            List<Map<String, Object>> rows = test.asMaps();
            List<String> truth = test.column(features.target());
            Map<String, Double> metrics = score(selected.packageUri(), selected.packageSha256(), features, rows, truth);
            EvaluateResult.Champion champion = null;
            List<String> reasons = new ArrayList<>();
            Optional<ModelAlias> alias = models.alias(request.model(), ModelAlias.CHAMPION);
            if (alias.isPresent()) {
                ModelVersion version = models.get(request.model(), alias.get().version());
                try {
                    champion = new EvaluateResult.Champion(version.version(),
                            score(version.artifactUri(), version.artifactSha256(), features, rows, truth));
                } catch (RuntimeException e) {
                    reasons.add("the champion (version " + version.version() + ") could not be scored on this test "
                            + "split (" + e.getMessage() + "); compared on thresholds only");
                    LOG.info("champion not comparable [version={}, reason={}]", version.version(), e.getMessage());
                }
            }
            boolean passed = decide(gate, metrics, champion, reasons);
            LOG.info("evaluated [runId={}, {}={}, passed={}]", selected.runId(), gate.metric(),
                    metrics.get(gate.metric()), passed);
            return new EvaluateResult(request.model(), selected, metrics, champion,
                    new EvaluateResult.GateDecision(passed, gate.metric(), reasons));
        }
    }

    private Map<String, Double> score(String uri, String sha256, FeatureSet features, List<Map<String, Object>> rows,
                                      List<String> truth) {
        try (DjlModelPredictor predictor = ModelPackage.load(artifacts, uri, sha256)) {
            if (predictor.metadata().task() != features.task()
                    || !predictor.metadata().classes().equals(features.classes())) {
                throw new InvalidInputException("the model predicts " + predictor.metadata().task() + " "
                        + predictor.metadata().classes() + ", the data is " + features.task() + " " + features.classes());
            }
            List<Prediction> predictions = predictor.predictBatch(rows);
            return Metrics.of(features.task(), features.classes(), predictions, truth);
        }
    }

    static boolean decide(GateConfig gate, Map<String, Double> metrics, EvaluateResult.Champion champion,
                          List<String> reasons) {
        boolean passed = true;
        if (!metrics.containsKey(gate.metric())) {
            throw new InvalidInputException("gate metric '" + gate.metric() + "' is not one of " + metrics.keySet());
        }
        for (Map.Entry<String, Double> t : gate.thresholds().entrySet()) {
            Double value = metrics.get(t.getKey());
            if (value == null) {
                throw new InvalidInputException("gate threshold metric '" + t.getKey() + "' is not one of "
                        + metrics.keySet());
            }
            boolean higher = MlTask.higherIsBetter(t.getKey());
            boolean ok = higher ? value >= t.getValue() : value <= t.getValue();
            passed &= ok;
            reasons.add(String.format(Locale.ROOT, "%s %.4f %s threshold %s %.4f", t.getKey(), value,
                    ok ? "meets" : "fails", higher ? ">=" : "<=", t.getValue()));
        }
        if (champion != null) {
            double challenger = metrics.get(gate.metric());
            double incumbent = champion.metrics().get(gate.metric());
            boolean higher = MlTask.higherIsBetter(gate.metric());
            double improvement = higher ? challenger - incumbent : incumbent - challenger;
            // Strictly better: an equal challenger (the same data and seed again) never replaces the champion.
            boolean ok = improvement > gate.minImprovement();
            passed &= ok;
            reasons.add(String.format(Locale.ROOT, "%s %.4f vs champion v%d %.4f: improvement %.4f %s minimum %.4f",
                    gate.metric(), challenger, champion.version(), incumbent, improvement, ok ? ">" : "<=",
                    gate.minImprovement()));
        } else {
            reasons.add("no champion to compare with");
        }
        return passed;
    }
}
