package dev.flywheel.xgboost;

import dev.flywheel.store.Stores;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;

import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.domain.Lineage;
import dev.flywheel.domain.MetricPoint;
import dev.flywheel.domain.ProcessOwner;
import dev.flywheel.io.ExitActions;
import dev.flywheel.domain.Require;
import dev.flywheel.domain.Run;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.logging.WorkProgress;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.TrainingException;
import dev.flywheel.data.Values;
import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.training.preprocess.Checkpoint;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.training.preprocess.MatrixFile;
import dev.flywheel.serving.ModelMetadata;
import dev.flywheel.serving.PackageFiles;
import dev.flywheel.registry.RunRegistry;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.StoredArtifact;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Trains one XGBoost candidate on a preprocessing checkpoint, as a tracked run: boosting round by round with
 * early stopping on the validation split, the model at the best round kept, and a model package written to
 * {@code models/<model>/<runId>/model.zip}. Same inputs and seed give the same model.
 */
public final class TrainService {
    private static final Logger LOG = LoggerFactory.getLogger(TrainService.class);
    private static final Map<String, Object> DEFAULTS = Map.of("max_depth", 6, "eta", 0.1, "num_round", 200,
            "min_child_weight", 1, "subsample", 1.0, "colsample_bytree", 1.0);

    private final ArtifactStore artifacts;
    private final RunRegistry runs;
    private final Clock clock;
    private final String codeVersion;

    public TrainService(ArtifactStore artifacts, RunRegistry runs, Clock clock, String codeVersion) {
        this.artifacts = artifacts;
        this.runs = runs;
        this.clock = clock;
        this.codeVersion = codeVersion;
    }

    /** The service over a process's stores (the Lambda handler's and the local runtime's wiring). */
    public static TrainService over(Stores stores, Clock clock, String codeVersion) {
        return new TrainService(stores.artifacts(), stores.registries().runs(), clock, codeVersion);
    }

    /** A trained booster in memory, before it is packaged. */
    public record Fit(byte[] modelJson, int bestIteration, int rounds, Map<String, List<MetricPoint>> history,
                      Map<String, Double> bestMetrics, float[][] validationPredictions) {
    }

    public TrainResult train(TrainRequest request) {
        String model = checkName(request.model());
        FeatureSet features = request.features();
        if (features == null || features.prefix() == null) {
            throw new InvalidInputException("features is required: pass the output of the preprocess step");
        }
        long seed = request.seed() == null ? TrainRequest.DEFAULT_SEED : request.seed();
        int earlyStopping = request.earlyStoppingRounds() == null ? 20 : request.earlyStoppingRounds();
        Map<String, Object> params = boosterParams(features, request.params(), seed);
        int rounds = ((Number) params.remove("num_round")).intValue();
        Map<String, String> recorded = new TreeMap<>();
        params.forEach((k, v) -> recorded.put(k, String.valueOf(v)));
        recorded.put("num_round", Integer.toString(rounds));
        recorded.put("early_stopping_rounds", Integer.toString(earlyStopping));
        String runId = "run-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Lineage lineage = features.lineage();
        Run run = runs.create(Run.start(runId, model, recorded, codeVersion, lineage, clock.instant(),
                ProcessOwner.current(), request.executionId()));
        long start = System.nanoTime();
        try (LogContext ignored = LogContext.with(LogContext.RUN_ID, runId, LogContext.MODEL, model,
                "candidate", request.candidate());
             ExitActions.Registration onExit = ExitActions.register("run " + runId, () -> runs.update(run.fail(
                     "aborted: the process (" + ProcessOwner.current().describe() + ") was stopped while it trained",
                     clock.instant())))) {
            LOG.info("training [task={}, rounds={}, earlyStopping={}]", features.task(), rounds, earlyStopping);
            MatrixFile train = Checkpoint.read(artifacts, features, Checkpoint.TRAIN, MatrixFile::read);
            MatrixFile validation = Checkpoint.read(artifacts, features, Checkpoint.VALIDATION, MatrixFile::read);
            FittedPipeline pipeline = Json.read(Checkpoint.text(artifacts, features, Checkpoint.PIPELINE),
                    FittedPipeline.class);
            BaselineProfile baseline = Json.read(Checkpoint.text(artifacts, features, Checkpoint.PROFILE),
                    BaselineProfile.class);
            String schemaJson = Checkpoint.text(artifacts, features, Checkpoint.SCHEMA);
            Fit fit = fit(features.task(), params, rounds, earlyStopping, train, validation);
            BaselineProfile profile = baseline.withPrediction(predictionProfile(features, fit.validationPredictions()));
            String metricName = features.task().primaryMetric();
            double metric = fit.bestMetrics().get(metricName);
            boolean higher = MlTask.higherIsBetter(metricName);
            ModelMetadata metadata = new ModelMetadata(model, runId, features.task(), features.target(),
                    features.classes(), metricName, metric, higher, recorded, fit.bestIteration(), lineage,
                    codeVersion, pipeline.outputNames(), clock.instant());
            StoredArtifact stored = PackageFiles.write(artifacts, PackageFiles.key(model, runId), fit.modelJson(),
                    pipeline, schemaJson, profile, metadata);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> finalMetrics = new LinkedHashMap<>();
            fit.bestMetrics().forEach((k, v) -> finalMetrics.put("validation_" + k, v));
            finalMetrics.put("best_iteration", (double) fit.bestIteration());
            finalMetrics.put("rounds", (double) fit.rounds());
            finalMetrics.put("duration_seconds", seconds);
            finalMetrics.put("train_rows", (double) train.rows());
            runs.update(run.finish(fit.history(), finalMetrics, Map.of("package", stored.uri(),
                    "features", artifacts.uri(features.prefix() + Checkpoint.MANIFEST)), clock.instant()));
            LOG.info("trained [{}={}, bestIteration={}, seconds={}]", metricName, metric, fit.bestIteration(),
                    String.format(Locale.ROOT, "%.2f", seconds));
            return new TrainResult(runId, model, metricName, metric, higher, stored.uri(), stored.sha256(), recorded,
                    fit.bestIteration());
        } catch (RuntimeException e) {
            failQuietly(run, e);
            throw e;
        }
    }

    /** Trains a booster round by round, keeping the model of the best validation round. */
    public static Fit fit(MlTask task, Map<String, Object> params, int rounds, int earlyStopping, MatrixFile train,
                          MatrixFile validation) {
        checkLabels(train, "training");
        checkLabels(validation, "validation");
        // Early stopping watches the smooth log loss for classification (AUC on a small validation split is
        // noisy and stops too early); the reported metric is read at the round it picks.
        String stopping = task == MlTask.BINARY ? "logloss" : task.primaryMetric();
        String primary = "validation-" + stopping;
        boolean higher = MlTask.higherIsBetter(stopping);
        DMatrix dtrain = null;
        DMatrix dvalid = null;
        Booster booster = null;
        Booster best = null;
        try {
            dtrain = new DMatrix(train.features(), train.rows(), train.columns(), Float.NaN);
            dtrain.setLabel(train.labels());
            dvalid = new DMatrix(validation.features(), validation.rows(), validation.columns(), Float.NaN);
            dvalid.setLabel(validation.labels());
            Map<String, Object> boosterParams = new LinkedHashMap<>(params);
            Object metrics = boosterParams.remove("eval_metric");
            booster = XGBoost.train(dtrain, boosterParams, 0, Map.of(), null, null);
            // Several eval metrics are several settings of the same key; a map holds one value per key.
            for (String metric : String.valueOf(metrics).split(",")) {
                booster.setParam("eval_metric", metric.trim());
            }
            Map<String, List<MetricPoint>> history = new LinkedHashMap<>();
            double bestValue = Double.NaN;
            int bestIteration = -1;
            byte[] bestModel = null;
            Map<String, Double> bestMetrics = Map.of();
            int iteration = 0;
            WorkProgress progress = WorkProgress.current();
            for (; iteration < rounds; iteration++) {
                booster.update(dtrain, iteration);
                progress.report("boosting rounds", iteration + 1, rounds);
                String eval = booster.evalSet(new DMatrix[]{dvalid}, new String[]{"validation"}, iteration);
                Map<String, Double> values = parseEval(eval);
                values.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>())
                        .add(new MetricPoint(history.get(k) == null ? 0 : history.get(k).size(), v)));
                Double value = values.get(primary);
                if (value == null) {
                    throw new TrainingException("XGBoost reported no value for " + primary + " (it is undefined on "
                            + "this validation split): " + eval.trim());
                }
                if (bestIteration < 0 || (higher ? value > bestValue : value < bestValue)) {
                    bestValue = value;
                    bestIteration = iteration;
                    bestModel = booster.toByteArray("json");
                    bestMetrics = values;
                } else if (earlyStopping > 0 && iteration - bestIteration >= earlyStopping) {
                    iteration++;
                    break;
                }
            }
            if (bestModel == null) {
                throw new TrainingException("no boosting round completed, so there is no model to keep");
            }
            best = XGBoost.loadModel(bestModel);
            float[][] predictions = best.predict(dvalid);
            Map<String, Double> finalMetrics = new LinkedHashMap<>();
            bestMetrics.forEach((k, v) -> finalMetrics.put(k.substring("validation-".length()), v));
            return new Fit(bestModel, bestIteration, iteration, fixSteps(history), finalMetrics, predictions);
        } catch (XGBoostError | java.io.IOException e) {
            throw new TrainingException("XGBoost training failed: " + e.getMessage(), e);
        } finally {
            dispose(best);
            dispose(booster);
            if (dtrain != null) {
                dtrain.dispose();
            }
            if (dvalid != null) {
                dvalid.dispose();
            }
        }
    }

    /** The booster parameters: defaults, then the request's, then the ones the task and reproducibility fix. */
    static Map<String, Object> boosterParams(FeatureSet features, Map<String, Object> requested, long seed) {
        Map<String, Object> params = new LinkedHashMap<>(DEFAULTS);
        requested.forEach((k, v) -> {
            if (v == null) {
                throw new InvalidInputException("parameter '" + k + "' has no value");
            }
            params.put(k, v);
        });
        params.put("num_round", positiveInteger(params.get("num_round")));
        if (features.task() == null) {
            throw new InvalidInputException("features.task is missing: pass the whole output of the preprocess step");
        }
        switch (features.task()) {
            case BINARY -> {
                params.put("objective", "binary:logistic");
                params.put("eval_metric", "logloss,auc");
            }
            case MULTICLASS -> {
                params.put("objective", "multi:softprob");
                params.put("num_class", features.classes().size());
                params.put("eval_metric", "merror,mlogloss");
            }
            case REGRESSION -> {
                params.put("objective", "reg:squarederror");
                params.put("eval_metric", "rmse");
            }
        }
        params.putIfAbsent("tree_method", "hist");
        params.putIfAbsent("nthread", Runtime.getRuntime().availableProcessors());
        params.put("seed", seed);
        params.putIfAbsent("verbosity", 0);
        return params;
    }

    /** num_round as a whole number of at least 1 (XGBoost crashes the JVM when asked to load zero rounds). */
    private static int positiveInteger(Object rounds) {
        double value;
        try {
            value = rounds instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(rounds).trim());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value >= 1) || value != Math.rint(value) || value > Integer.MAX_VALUE) {
            throw new InvalidInputException("num_round must be a positive integer (a whole number of at least 1), got '" + rounds + "'");
        }
        return (int) value;
    }

    private BaselineProfile.FeatureProfile predictionProfile(FeatureSet features, float[][] predictions) {
        if (features.task() == MlTask.MULTICLASS) {
            List<String> labels = new ArrayList<>();
            for (float[] p : predictions) {
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                labels.add(features.classes().get(best));
            }
            return BaselineProfile.categorical(labels);
        }
        BaselineProfile.NumericBuilder b = new BaselineProfile.NumericBuilder();
        for (float[] p : predictions) {
            b.add(p[0]);
        }
        return b.build();
    }

    /**
     * Parses "[3]\tvalidation-logloss:0.51\tvalidation-auc:0.77". A metric XGBoost cannot compute (it prints
     * "nan") is left out: undefined, never a number.
     */
    static Map<String, Double> parseEval(String eval) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String part : eval.trim().split("\t")) {
            int colon = part.lastIndexOf(':');
            if (part.startsWith("[") || colon < 0) {
                continue;
            }
            Double value = Values.number(part.substring(colon + 1));
            if (value != null) {
                values.put(part.substring(0, colon), value);
            }
        }
        return values;
    }

    private static Map<String, List<MetricPoint>> fixSteps(Map<String, List<MetricPoint>> history) {
        Map<String, List<MetricPoint>> out = new LinkedHashMap<>();
        history.forEach((k, points) -> {
            List<MetricPoint> fixed = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                fixed.add(new MetricPoint(i, points.get(i).value()));
            }
            out.put(k.replace('-', '_'), fixed);
        });
        return out;
    }

    private static void checkLabels(MatrixFile m, String split) {
        for (float label : m.labels()) {
            if (Float.isNaN(label)) {
                throw new TrainingException("the " + split + " split has a row without a valid label");
            }
        }
        if (m.rows() == 0) {
            throw new TrainingException("the " + split + " split is empty");
        }
    }

    private void failQuietly(Run run, RuntimeException cause) {
        try {
            runs.update(run.fail(cause.getClass().getSimpleName() + ": " + cause.getMessage(), clock.instant()));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        LOG.info("run failed [reason={}]", cause.getMessage());
    }

    private static void dispose(Booster booster) {
        if (booster != null) {
            booster.dispose();
        }
    }

    private static String checkName(String name) {
        try {
            return Require.name(name, "model");
        } catch (InvalidRecordException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
