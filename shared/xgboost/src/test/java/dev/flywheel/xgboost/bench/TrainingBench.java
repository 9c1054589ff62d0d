package dev.flywheel.xgboost.bench;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.MlTask;
import dev.flywheel.data.SyntheticDataGenerator;
import dev.flywheel.training.steps.EvaluateRequest;
import dev.flywheel.training.steps.EvaluateResult;
import dev.flywheel.training.evaluate.EvaluateService;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.xgboost.TrainService;
import dev.flywheel.store.Stores;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Measures (does not assert): training throughput on N synthetic rows and the credit-g pipeline's wall time and
 * test AUC. Run: {@code mvn -q -pl shared exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.flywheel.xgboost.bench.TrainingBench -Dexec.args="1000000 examples/credit-g/credit-g.csv"} from the project root.
 */
public final class TrainingBench {
    private TrainingBench() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        Path creditG = Path.of(args.length > 1 ? args[1] : "examples/credit-g/credit-g.csv").toAbsolutePath();
        Path home = Files.createTempDirectory("flywheel-bench-");
        try (Stores stores = LocalStores.open(home, Clock.systemUTC())) {
            IngestService ingest = new IngestService(stores.artifacts(), stores.registries().datasets(),
                    Clock.systemUTC());
            PreprocessService preprocess = new PreprocessService(stores.artifacts(), stores.registries().datasets());
            TrainService train = new TrainService(stores.artifacts(), stores.registries().runs(), Clock.systemUTC(),
                    "bench");
            EvaluateService evaluate = new EvaluateService(stores.artifacts(), stores.registries().models());

            if (Files.exists(creditG)) {
                long t0 = System.nanoTime();
                var dataset = ingest.ingest(IngestRequest.of("credit-g", creditG.toUri().toString(), "class")).dataset();
                FeatureSet features = preprocess.preprocess(new PreprocessRequest("credit-risk",
                        new PreprocessRequest.DatasetRef("credit-g", dataset.version()), null, null)).features();
                TrainResult result = train.train(new TrainRequest("credit-risk", features, Map.of("max_depth", 4,
                        "eta", 0.03, "num_round", 400, "subsample", 0.8, "colsample_bytree", 0.6,
                        "min_child_weight", 3), 42L, 40, 0));
                EvaluateResult evaluation = evaluate.evaluate(new EvaluateRequest("credit-risk", features,
                        List.of(result), null));
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("credit-g: ingest+preprocess+train+evaluate %.2f s, test AUC %.4f, validation AUC "
                        + "%.4f, best iteration %d%n", seconds, evaluation.metrics().get("auc"),
                        result.validationMetric(), result.bestIteration());

            } else {
                System.out.println("credit-g: not found at " + creditG + " (pass its path as the second argument)");
            }

            Path csv = home.resolve("synthetic.csv");
            long g0 = System.nanoTime();
            try (Writer w = Files.newBufferedWriter(csv)) {
                new SyntheticDataGenerator(1, MlTask.BINARY, 10, 3, 0.0).write(w, rows);
            }
            long i0 = System.nanoTime();
            var dataset = ingest.ingest(IngestRequest.of("synthetic", csv.toUri().toString(), "target")).dataset();
            long p0 = System.nanoTime();
            FeatureSet features = preprocess.preprocess(new PreprocessRequest("synthetic",
                    new PreprocessRequest.DatasetRef("synthetic", dataset.version()), null, null)).features();
            long t0 = System.nanoTime();
            int rounds = 100;
            TrainResult result = train.train(new TrainRequest("synthetic", features, Map.of("max_depth", 6,
                    "eta", 0.3, "num_round", rounds), 1L, 0, 0));
            long t1 = System.nanoTime();
            double trainSeconds = (t1 - t0) / 1e9;
            System.out.printf("synthetic %,d rows (%d threads): generate %.1f s, ingest %.1f s, preprocess %.1f s, "
                            + "train %d rounds on %,d rows %.1f s = %,.0f rows/s (row-rounds/s %,.0f), validation AUC %.4f%n",
                    rows, Runtime.getRuntime().availableProcessors(), (i0 - g0) / 1e9, (p0 - i0) / 1e9,
                    (t0 - p0) / 1e9, rounds, features.rows().train(), trainSeconds,
                    features.rows().train() / trainSeconds, features.rows().train() * (double) rounds / trainSeconds,
                    result.validationMetric());
        }
    }
}
