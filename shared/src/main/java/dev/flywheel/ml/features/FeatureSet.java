package dev.flywheel.ml.features;

import dev.flywheel.domain.Lineage;
import dev.flywheel.ml.MlTask;

import java.util.List;

/**
 * A preprocessing checkpoint: fitted pipeline, split matrices and baseline profile under {@code prefix}
 * ({@code features/<datasetSha256>/<configSha256>/}).
 *
 * @param configSha256   sha256 of the pipeline config: with the dataset sha, the checkpoint key
 * @param classes        class labels in label-index order (empty for regression)
 * @param checkpointHit  true when an earlier run had written this checkpoint and nothing was recomputed
 * @param durationMillis wall time of this preprocessing call
 */
public record FeatureSet(String datasetName, int datasetVersion, String datasetSha256, String configSha256,
                         String prefix, MlTask task, String target, List<String> classes, SplitRows rows,
                         boolean checkpointHit, long durationMillis, List<String> warnings) {
    public FeatureSet {
        classes = classes == null ? List.of() : List.copyOf(classes);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public record SplitRows(long train, long validation, long test) {
    }

    public Lineage lineage() {
        return new Lineage(datasetName, datasetVersion, datasetSha256, configSha256);
    }

    public FeatureSet withRun(boolean hit, long millis) {
        return new FeatureSet(datasetName, datasetVersion, datasetSha256, configSha256, prefix, task, target, classes,
                rows, hit, millis, warnings);
    }
}
