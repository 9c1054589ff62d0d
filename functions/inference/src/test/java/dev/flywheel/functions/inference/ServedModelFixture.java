package dev.flywheel.functions.inference;

import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.MlTask;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.json.Json;
import dev.flywheel.store.Stores;
import dev.flywheel.store.local.LocalStores;
import dev.flywheel.testing.SyntheticCsv;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.xgboost.TrainService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real model to serve: synthetic data ingested, preprocessed and trained twice (two registered versions, the
 * champion at v1), through the same services the pipeline runs. Also the test rows as evaluation reads them.
 */
final class ServedModelFixture implements AutoCloseable {
    final String model;
    final Stores stores;
    final FeatureSet features;
    final Schema schema;
    final List<ModelVersion> versions = new ArrayList<>();

    private ServedModelFixture(String model, Stores stores, FeatureSet features, Schema schema) {
        this.model = model;
        this.stores = stores;
        this.features = features;
        this.schema = schema;
    }

    static ServedModelFixture train(Path home, Path uploads, String model, MlTask task, int versions) {
        return train(LocalStores.open(home, Clock.systemUTC()), uploads, model, task, versions);
    }

    /** Over given stores (S3 and DynamoDB on an emulator, for instance); the fixture closes them. */
    static ServedModelFixture train(Stores stores, Path uploads, String model, MlTask task, int versions) {
        Clock clock = Clock.systemUTC();
        String source = SyntheticCsv.write(uploads, model + ".csv", task, 400, 7).toUri().toString();
        var ingested = new IngestService(stores.artifacts(), stores.registries().datasets(), clock)
                .ingest(IngestRequest.of(model + "-data", source, "target")).dataset();
        FeatureSet features = new PreprocessService(stores.artifacts(), stores.registries().datasets())
                .preprocess(new PreprocessRequest(model, new PreprocessRequest.DatasetRef(ingested.name(),
                        ingested.version()), null, PreprocessRequest.SplitConfig.DEFAULT)).features();
        ServedModelFixture fixture = new ServedModelFixture(model, stores, features, ingested.schema());
        TrainService train = new TrainService(stores.artifacts(), stores.registries().runs(), clock, "test");
        for (int i = 0; i < versions; i++) {
            TrainResult trained = train.train(new TrainRequest(model, features,
                    Map.of("max_depth", 2 + i, "eta", 0.3, "num_round", 10 + 10 * i), 42L, null, i));
            ModelVersion registered = stores.registries().models().register(new ModelVersion(model, 0,
                    trained.packageUri(), trained.packageSha256(), Map.of(trained.metricName(),
                    trained.validationMetric()), features.lineage(), trained.runId(), trained.params(), "test",
                    Instant.now(), null));
            fixture.versions.add(registered);
        }
        stores.registries().models().moveAlias(model, "champion", 1, "test fixture");
        return fixture;
    }

    /** The test split's rows as evaluation reads them: text values, as in the dataset files. */
    List<Map<String, Object>> evaluationRows() {
        return PreprocessService.readTestRows(stores.artifacts(), features).asMaps();
    }

    /** The same rows as a JSON client sends them: numbers as numbers, missing as null, no target. */
    List<Map<String, Object>> jsonRows() {
        return PreprocessService.readTestRows(stores.artifacts(), features).asRequestInstances(schema,
                features.target());
    }

    String instancesJson(List<Map<String, Object>> rows) {
        return Json.write(Map.of("instances", rows));
    }

    @Override
    public void close() {
        stores.close();
    }
}
