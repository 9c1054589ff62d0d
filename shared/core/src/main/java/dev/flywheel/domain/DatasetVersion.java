package dev.flywheel.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One immutable version of a named dataset. The same content (accepted rows plus schema, in canonical form)
 * always has the same {@code sha256}, and so the same version.
 *
 * @param version        consecutive from 1 per dataset name; 0 only on a draft not yet registered
 * @param rowCount       accepted rows
 * @param quarantinedRows rows rejected by validation (kept in the quarantine artifact with reasons)
 * @param source         where the raw data came from (file:// or s3:// URI)
 * @param artifactUri    where the accepted data lives in the artifact store
 * @param files          sha256 of each file of the version ({@code data.csv}, {@code schema.json}, ...) as written,
 *                       checked whenever one is read
 */
public record DatasetVersion(
        String name,
        int version,
        String sha256,
        Schema schema,
        long rowCount,
        long quarantinedRows,
        String source,
        String artifactUri,
        Instant createdAt,
        Map<String, String> files) {

    public DatasetVersion {
        Require.name(name, "dataset name");
        Require.nonNegative(version, "dataset version");
        Require.sha256(sha256, "dataset sha256");
        Require.notNull(schema, "dataset schema");
        Require.nonNegative(rowCount, "row count");
        Require.nonNegative(quarantinedRows, "quarantined rows");
        Require.text(source, "dataset source");
        Require.text(artifactUri, "dataset artifact URI");
        Require.notNull(createdAt, "createdAt");
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(files));
        files.forEach((file, sha) -> Require.sha256(sha, "sha256 of dataset file " + file));
    }

    public DatasetVersion withVersion(int newVersion) {
        return new DatasetVersion(name, newVersion, sha256, schema, rowCount, quarantinedRows, source, artifactUri,
                createdAt, files);
    }
}
