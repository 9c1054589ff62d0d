package dev.flywheel.monitoring;

import dev.flywheel.domain.MlTask;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.ModelMetadata;
import dev.flywheel.serving.PackageFiles;
import dev.flywheel.serving.Prediction;
import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.store.StoredArtifact;
import dev.flywheel.store.Stores;
import dev.flywheel.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A monitored model for the monitoring tests: a fitted pipeline of two numeric features ({@code x0} ~ N(0, 1),
 * {@code x1} ~ N(5, 2) with 5% missing) and one categorical ({@code c0}, five categories), its baseline profile
 * built from seeded training rows through {@link BaselineProfile.NumericBuilder}/{@code CategoricalBuilder} (the
 * predictions' profile from the seeded scores), and a package registered in a store as the champion. The drift
 * monitor never runs the model itself (predictions come from the captures), so the package's model.json is a
 * placeholder; everything the monitor reads (pipeline.json, profile.json, the sha256s) is as training writes it.
 */
public final class MonitoredModel {
    public static final String[] CATEGORIES = {"a", "b", "c", "d", "e"};
    public static final double[] MIX = {0.35, 0.25, 0.2, 0.12, 0.08};
    public static final double X1_MISSING = 0.05;
    public static final double TEST_AUC = 0.8;

    private MonitoredModel() {
    }

    /** How a row is drawn: shifts and scales of the baseline distributions. */
    public record Shape(double x0Mean, double x0Sd, double x1Missing, double[] mix) {
        public static final Shape BASELINE = new Shape(0, 1, X1_MISSING, MIX);

        public Shape withX0(double mean, double sd) {
            return new Shape(mean, sd, x1Missing, mix);
        }

        public Shape withMissing(double rate) {
            return new Shape(x0Mean, x0Sd, rate, mix);
        }

        public Shape withMix(double[] newMix) {
            return new Shape(x0Mean, x0Sd, x1Missing, newMix);
        }
    }

    public static FittedPipeline binaryPipeline() {
        return new FittedPipeline(1, MlTask.BINARY, "target", List.of("no", "yes"), features(),
                List.of(), List.of("NA", "?"));
    }

    public static FittedPipeline regressionPipeline() {
        return new FittedPipeline(1, MlTask.REGRESSION, "target", List.of(), features(), List.of(), List.of("NA"));
    }

    private static List<FeatureSpec> features() {
        return List.of(new FeatureSpec("x0", FeatureSpec.Kind.NUMERIC, 0, false, List.of()),
                new FeatureSpec("x1", FeatureSpec.Kind.NUMERIC, 5, true, List.of()),
                new FeatureSpec("c0", FeatureSpec.Kind.ONE_HOT, 0, false, List.of(CATEGORIES)));
    }

    /** One raw row as a client sends it (x1 missing as null or as the "NA" token). */
    public static Map<String, Object> row(SplittableRandom r, Shape shape) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("x0", shape.x0Mean() + shape.x0Sd() * gaussian(r));
        if (r.nextDouble() < shape.x1Missing()) {
            row.put("x1", r.nextBoolean() ? null : "NA");
        } else {
            row.put("x1", 5 + 2 * gaussian(r));
        }
        row.put("c0", pick(r, shape.mix()));
        return row;
    }

    /** A binary prediction whose positive-class probability is {@code p}. */
    public static Prediction prediction(double p) {
        return new Prediction(p >= 0.5 ? "yes" : "no", Map.of("no", 1 - p, "yes", p), null);
    }

    /** The baseline profile of {@code rows} seeded training rows; predictions ~ U(0, 1). */
    public static BaselineProfile profile(long seed, int rows) {
        SplittableRandom r = new SplittableRandom(seed);
        BaselineProfile.NumericBuilder x0 = new BaselineProfile.NumericBuilder();
        BaselineProfile.NumericBuilder x1 = new BaselineProfile.NumericBuilder();
        BaselineProfile.CategoricalBuilder c0 = new BaselineProfile.CategoricalBuilder();
        BaselineProfile.NumericBuilder prediction = new BaselineProfile.NumericBuilder();
        for (int i = 0; i < rows; i++) {
            Map<String, Object> row = row(r, Shape.BASELINE);
            x0.add((Double) row.get("x0"));
            x1.add(row.get("x1") instanceof Double d ? d : Double.NaN);
            c0.add((String) row.get("c0"));
            prediction.add(r.nextDouble());
        }
        Map<String, BaselineProfile.FeatureProfile> features = new LinkedHashMap<>();
        features.put("x0", x0.build());
        features.put("x1", x1.build());
        features.put("c0", c0.build());
        return new BaselineProfile(rows, features, null, prediction.build());
    }

    /** A baseline not stored anywhere (scorer and window tests). */
    public static ModelBaseline baseline(String model, int version, FittedPipeline pipeline, BaselineProfile profile,
                                         Map<String, Double> metrics) {
        ModelVersion v = new ModelVersion(model, version, "file:///nowhere/" + model + "/model.zip",
                "0".repeat(64), metrics, Fixtures.lineage(), "run-" + version, Map.of(), "test", Fixtures.T0, null);
        return new ModelBaseline(v, pipeline, profile);
    }

    public static ModelBaseline binary(int baselineRows) {
        return baseline("churn", 1, binaryPipeline(), profile(7, baselineRows), Map.of("auc", TEST_AUC));
    }

    /**
     * Writes a package (pipeline.json, profile.json of 2000 seeded rows) to the store and registers it as the next
     * version of {@code model}, with test AUC {@link #TEST_AUC}.
     */
    public static ModelVersion register(Stores stores, String model, String runId) {
        FittedPipeline pipeline = binaryPipeline();
        StoredArtifact stored = PackageFiles.write(stores.artifacts(), PackageFiles.key(model, runId),
                "{\"placeholder\": true}".getBytes(StandardCharsets.UTF_8), pipeline, "{}", profile(7, 2000),
                new ModelMetadata(model, runId, MlTask.BINARY, "target", pipeline.classes(), "auc", TEST_AUC, true,
                        Map.of(), 10, Fixtures.lineage(), "test", List.of("x0", "x1", "c0"), Fixtures.T0));
        return stores.registries().models().register(new ModelVersion(model, 0, stored.uri(), stored.sha256(),
                Map.of("auc", TEST_AUC), Fixtures.lineage(), runId, Map.of(), "test", Fixtures.T0, null));
    }

    /** Registers v1 and v2 of {@code model} ({@link #register}) and makes v1 the champion. */
    public static void registerChampion(Stores stores, String model) {
        register(stores, model, "run-1");
        register(stores, model, "run-2");
        stores.registries().models().moveAlias(model, "champion", 1, "test");
    }

    static double gaussian(SplittableRandom r) {
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static String pick(SplittableRandom r, double[] mix) {
        double u = r.nextDouble();
        double acc = 0;
        for (int i = 0; i < mix.length; i++) {
            acc += mix[i];
            if (u < acc) {
                return CATEGORIES[i];
            }
        }
        return CATEGORIES[mix.length - 1];
    }
}
