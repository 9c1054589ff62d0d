package dev.flywheel.monitoring;

import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.serving.ArtifactIo;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.PackageFiles;
import dev.flywheel.statistics.BaselineProfile;
import dev.flywheel.store.ArtifactStore;
import java.util.Map;

/**
 * What drift is measured against: one model version's baseline profile (training split, and predictions on the
 * validation split), its fitted pipeline (which features, which kind) and its test metrics, read from the package
 * it was registered with (its sha256 checked: a damaged package gives no verdict).
 */
public record ModelBaseline(ModelVersion version, FittedPipeline pipeline, BaselineProfile profile) {

    public static ModelBaseline load(ArtifactStore store, ModelVersion version) {
        String key = store.keyOf(version.artifactUri());
        Map<String, byte[]> files = PackageFiles.verify(store.uri(key), ArtifactIo.bytes(store, key),
                version.artifactSha256());
        FittedPipeline pipeline = Json.read(PackageFiles.text(files, PackageFiles.PIPELINE), FittedPipeline.class);
        BaselineProfile profile = Json.read(PackageFiles.text(files, PackageFiles.PROFILE), BaselineProfile.class);
        return new ModelBaseline(version, pipeline, profile);
    }

    public String model() {
        return version.name();
    }

    public static boolean numeric(FeatureSpec spec) {
        return spec.kind() == FeatureSpec.Kind.NUMERIC;
    }

    /** The model's test metric {@code metric}, or null when evaluation did not record it. */
    public Double testMetric(String metric) {
        return version.metrics().get(metric);
    }
}
