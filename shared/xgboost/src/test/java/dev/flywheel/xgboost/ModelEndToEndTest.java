package dev.flywheel.xgboost;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.TrainingException;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.Run;
import dev.flywheel.domain.RunStatus;
import dev.flywheel.data.SyntheticDataGenerator;
import dev.flywheel.training.steps.EvaluateRequest;
import dev.flywheel.training.steps.EvaluateResult;
import dev.flywheel.training.evaluate.EvaluateService;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.serving.DjlModelPredictor;
import dev.flywheel.serving.ModelPackage;
import dev.flywheel.serving.Prediction;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ingest → preprocess → train → evaluate on synthetic data with a known answer, through the services. */
class ModelEndToEndTest {
    @TempDir
    Path tmp;
    private Stores stores;
    private IngestService ingest;
    private PreprocessService preprocess;
    private TrainService train;
    private EvaluateService evaluate;

    @BeforeEach
    void open() {
        stores = LocalStores.open(tmp.resolve("home"), Clock.systemUTC());
        ingest = new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC());
        preprocess = new PreprocessService(stores.artifacts(), stores.registries().datasets());
        train = new TrainService(stores.artifacts(), stores.registries().runs(), Clock.systemUTC(), "test");
        evaluate = new EvaluateService(stores.artifacts(), stores.registries().models());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private FeatureSet features(String name, MlTask task, int rows) throws IOException {
        Path csv = tmp.resolve(name + ".csv");
        try (Writer w = Files.newBufferedWriter(csv)) {
            SyntheticDataGenerator.of(7, task).write(w, rows);
        }
        var dataset = ingest.ingest(IngestRequest.of(name, csv.toUri().toString(), "target")).dataset();
        return preprocess.preprocess(new PreprocessRequest("m-" + name,
                new PreprocessRequest.DatasetRef(name, dataset.version()), null, null)).features();
    }

    private TrainResult fit(FeatureSet features, long seed) {
        return train.train(new TrainRequest("m-" + features.datasetName(), features,
                Map.of("max_depth", 5, "eta", 0.15, "num_round", 300, "subsample", 0.8), seed, 20, 0));
    }

    private EvaluateResult evaluated(FeatureSet features, TrainResult result) {
        return evaluate.evaluate(new EvaluateRequest("m-" + features.datasetName(), features, List.of(result), null));
    }

    @Test
    void regression_learnsKnownNonlinearTarget() throws IOException {
        FeatureSet features = features("reg", MlTask.REGRESSION, 3000);
        assertThat(features.task()).isEqualTo(MlTask.REGRESSION);
        TrainResult result = fit(features, 42);
        assertThat(result.metricName()).isEqualTo("rmse");
        assertThat(result.higherIsBetter()).isFalse();
        EvaluateResult evaluation = evaluated(features, result);
        assertThat(evaluation.metrics()).containsKeys("rmse", "mae", "r2");
        assertThat(evaluation.metrics().get("r2")).isGreaterThan(0.9);
    }

    @Test
    void multiclass_isWellAboveChance() throws IOException {
        FeatureSet features = features("multi", MlTask.MULTICLASS, 3000);
        assertThat(features.task()).isEqualTo(MlTask.MULTICLASS);
        assertThat(features.classes()).containsExactly("A", "B", "C");
        TrainResult result = fit(features, 42);
        assertThat(result.metricName()).isEqualTo("mlogloss");
        EvaluateResult evaluation = evaluated(features, result);
        assertThat(evaluation.metrics()).containsKeys("accuracy", "macroF1", "logloss");
        assertThat(evaluation.metrics().get("accuracy")).isGreaterThan(0.75);
        Run run = stores.registries().runs().get(result.runId());
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.metricHistory()).containsKeys("validation_mlogloss", "validation_merror");
    }

    @Test
    void training_sameInputsAndSeedGiveIdenticalPredictions() throws IOException {
        FeatureSet features = features("bin", MlTask.BINARY, 1500);
        TrainResult first = fit(features, 11);
        TrainResult second = fit(features, 11);
        assertThat(second.runId()).isNotEqualTo(first.runId());
        List<Map<String, Object>> rows = PreprocessService.readTestRows(stores.artifacts(), features).asMaps();
        try (DjlModelPredictor a = ModelPackage.load(stores.artifacts(), first.packageUri(), first.packageSha256());
             DjlModelPredictor b = ModelPackage.load(stores.artifacts(), second.packageUri())) {
            List<Prediction> pa = a.predictBatch(rows);
            List<Prediction> pb = b.predictBatch(rows);
            assertThat(pb).isEqualTo(pa);
            assertThat(a.predict(rows.get(0))).isEqualTo(pa.get(0));
            assertThat(pa.get(0).probabilities()).containsOnlyKeys("no", "yes");
            Map<String, Object> partial = Map.of("x0", 3.0, "c0", "never-seen");
            assertThat(a.predict(partial).label()).isIn("no", "yes");
        }
        assertThat(second.validationMetric()).isEqualTo(first.validationMetric());
        assertThat(first.validationMetric()).isGreaterThan(0.8);
    }

    @Test
    void preprocess_secondRunIsACheckpointHit() throws IOException {
        FeatureSet first = features("ckpt", MlTask.BINARY, 800);
        assertThat(first.checkpointHit()).isFalse();
        FeatureSet second = preprocess.preprocess(new PreprocessRequest("m-ckpt",
                new PreprocessRequest.DatasetRef("ckpt", first.datasetVersion()), null, null)).features();
        assertThat(second.checkpointHit()).isTrue();
        assertThat(second.prefix()).isEqualTo(first.prefix());
        assertThat(second.rows()).isEqualTo(first.rows());
        assertThat(stores.artifacts().list(first.prefix())).extracting(k -> k.substring(first.prefix().length()))
                .containsExactlyInAnyOrder("manifest.json", "pipeline.json", "profile.json", "train.bin",
                        "validation.bin", "test.csv", "schema.json");
        assertThat(second.files()).containsOnlyKeys("pipeline.json", "profile.json", "train.bin", "validation.bin",
                "test.csv", "schema.json");
        FeatureSet otherSplit = preprocess.preprocess(new PreprocessRequest("m-ckpt",
                new PreprocessRequest.DatasetRef("ckpt", first.datasetVersion()), null,
                new PreprocessRequest.SplitConfig(null, 0.2, 0.2, null))).features();
        assertThat(otherSplit.checkpointHit()).isFalse();
        assertThat(otherSplit.configSha256()).isNotEqualTo(first.configSha256());
    }

    @Test
    void training_failureIsRecordedAsFailedRun() throws IOException {
        FeatureSet features = features("fail", MlTask.BINARY, 300);
        assertThatThrownBy(() -> train.train(new TrainRequest("m-fail", features,
                Map.of("max_depth", "not-a-number"), 1L, 5, 0))).isInstanceOf(TrainingException.class);
        List<Run> runs = stores.registries().runs().list("m-fail", 0);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).status()).isEqualTo(RunStatus.FAILED);
        assertThat(runs.get(0).error()).contains("XGBoost");
    }
}
