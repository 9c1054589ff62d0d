package dev.flywheel.training.steps;

import dev.flywheel.domain.Lineage;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.domain.MlTask;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A preprocessing checkpoint: fitted pipeline, split matrices and baseline profile under {@code prefix}
 * ({@code features/<datasetSha256>/<configSha256>/}); stored as its {@code manifest.json}, written last.
 *
 * @param configSha256   sha256 of the pipeline config: with the dataset sha, the checkpoint key
 * @param classes        class labels in label-index order (empty for regression)
 * @param split          how rows were assigned to train, validation and test
 * @param files          sha256 of every other file of the checkpoint, checked whenever one is read
 * @param leftOut        every column the model does not use, with the reason
 * @param checkpointHit  true when an earlier run had written this checkpoint and nothing was recomputed
 * @param durationMillis wall time of this preprocessing call
 */
public record FeatureSet(String datasetName, int datasetVersion, String datasetSha256, String configSha256,
                         String prefix, MlTask task, String target, List<String> classes, SplitRows rows,
                         SplitSpec split, Map<String, String> files, List<LeftOutColumn> leftOut,
                         boolean checkpointHit, long durationMillis, List<String> warnings) {
    public FeatureSet {
        classes = classes == null ? List.of() : List.copyOf(classes);
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(files));
        leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public record SplitRows(long train, long validation, long test) {
    }

    public Lineage lineage() {
        return new Lineage(datasetName, datasetVersion, datasetSha256, configSha256);
    }

    public FeatureSet withRun(boolean hit, long millis) {
        return new FeatureSet(datasetName, datasetVersion, datasetSha256, configSha256, prefix, task, target, classes,
                rows, split, files, leftOut, hit, millis, warnings);
    }
}
