package dev.flywheel.cli.bench;

import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.serving.ArtifactIo;
import dev.flywheel.serving.PackageFiles;
import dev.flywheel.store.Stores;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.xgboost.TrainService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The model the serving benchmarks serve: the bundled German Credit data ingested, preprocessed and trained through
 * the pipeline's own services, registered and made champion. Training keeps the booster of the best validation
 * round, so the learning rate is lowered until the last of the asked rounds is still the best: the package then
 * holds exactly that many trees (their cost per row does not depend on the learning rate).
 *
 * @param rows the test split's rows as a JSON client sends them: numbers as numbers, missing as null, no target
 */
public record BenchModel(String name, ModelVersion version, int trees, double eta, List<Map<String, Object>> rows) {
    static final String DATASET_RESOURCE = "/examples/credit-g/credit-g.csv";
    private static final String TARGET = "class";

    public static BenchModel train(Stores stores, Path uploads, String name, int trees) {
        Clock clock = Clock.systemUTC();
        Path data = uploads.resolve("credit-g.csv");
        try (InputStream in = BenchModel.class.getResourceAsStream(DATASET_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled dataset " + DATASET_RESOURCE + " is missing: rebuild the CLI");
            }
            Files.createDirectories(uploads);
            Files.copy(in, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var ingested = new IngestService(stores.artifacts(), stores.registries().datasets(), clock)
                .ingest(IngestRequest.of(name + "-data", data.toUri().toString(), TARGET)).dataset();
        FeatureSet features = new PreprocessService(stores.artifacts(), stores.registries().datasets())
                .preprocess(new PreprocessRequest(name, new PreprocessRequest.DatasetRef(ingested.name(),
                        ingested.version()), null, PreprocessRequest.SplitConfig.DEFAULT)).features();
        TrainService train = new TrainService(stores.artifacts(), stores.registries().runs(), clock, "bench");
        double eta = 0.05;
        TrainResult trained = null;
        for (int attempt = 0; attempt < 6; attempt++, eta /= 2) {
            trained = train.train(new TrainRequest(name, features, Map.of("max_depth", 4, "eta", eta,
                    "num_round", trees), 42L, 0, 0));
            if (trained.bestIteration() + 1 >= trees) {
                break;
            }
        }
        ModelVersion registered = stores.registries().models().register(new ModelVersion(name, 0,
                trained.packageUri(), trained.packageSha256(), Map.of(trained.metricName(),
                trained.validationMetric()), features.lineage(), trained.runId(), trained.params(), "bench",
                Instant.now(), null));
        stores.registries().models().moveAlias(name, ModelAlias.CHAMPION, registered.version(), "serving benchmark");
        int counted = treeCount(stores, registered);
        return new BenchModel(name, registered, counted, eta, jsonRows(stores, features, ingested.schema()));
    }

    /**
     * The package's booster, loaded by xgboost4j itself (for the raw comparison and to count the trees).
     *
     * @param threads XGBoost's nthread, or 0 for its default (every core)
     */
    public static Booster booster(Stores stores, ModelVersion version, int threads) {
        byte[] model = packageFiles(stores, version).get(PackageFiles.MODEL);
        try {
            Booster booster = XGBoost.loadModel(model);
            if (threads > 0) {
                booster.setParam("nthread", Integer.toString(threads));
            }
            return booster;
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("xgboost4j cannot load the benchmark model: " + e.getMessage(), e);
        }
    }

    /** The files of the version's model package, checked against its sha256 and manifest. */
    static Map<String, byte[]> packageFiles(Stores stores, ModelVersion version) {
        byte[] zip = ArtifactIo.bytes(stores.artifacts(), stores.artifacts().keyOf(version.artifactUri()));
        return PackageFiles.verify(version.artifactUri(), zip, version.artifactSha256());
    }

    private static int treeCount(Stores stores, ModelVersion version) {
        Booster booster = booster(stores, version, 0);
        try {
            return booster.getNumBoostedRound();
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        } finally {
            booster.dispose();
        }
    }

    private static List<Map<String, Object>> jsonRows(Stores stores, FeatureSet features, Schema schema) {
        return PreprocessService.readTestRows(stores.artifacts(), features).asRequestInstances(schema,
                features.target());
    }
}
