package dev.flywheel.domain;

/**
 * Where a run or a model version came from: the exact data and the exact feature pipeline.
 *
 * @param featurePipelineSha256 sha256 of the preprocessing config (with the dataset sha, the checkpoint key)
 */
public record Lineage(String datasetName, int datasetVersion, String datasetSha256, String featurePipelineSha256) {
    public Lineage {
        Require.name(datasetName, "lineage dataset name");
        Require.positive(datasetVersion, "lineage dataset version");
        Require.sha256(datasetSha256, "lineage dataset sha256");
        Require.sha256(featurePipelineSha256, "lineage feature pipeline sha256");
    }
}
