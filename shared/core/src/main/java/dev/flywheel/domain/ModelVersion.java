package dev.flywheel.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One registered version of a model: an immutable, servable package with its full lineage.
 *
 * @param version        consecutive from 1 per model name; 0 only on a draft not yet registered
 * @param artifactUri    the model package in the artifact store
 * @param artifactSha256 sha256 of the model package, checked when it is loaded
 * @param metrics        evaluation metrics on the test split
 * @param runId          the training run that produced it
 * @param params         the hyper-parameters it was trained with
 * @param evaluation     what the gate compared (split, test rows, judged champion) when the pipeline registered it;
 *                       null for a version registered otherwise
 */
public record ModelVersion(
        String name,
        int version,
        String artifactUri,
        String artifactSha256,
        Map<String, Double> metrics,
        Lineage lineage,
        String runId,
        Map<String, String> params,
        String codeVersion,
        Instant createdAt,
        EvaluationEvidence evaluation) {

    public ModelVersion {
        Require.name(name, "model name");
        Require.nonNegative(version, "model version");
        Require.text(artifactUri, "model artifact URI");
        Require.sha256(artifactSha256, "model artifact sha256");
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Require.notNull(lineage, "model lineage");
        Require.name(runId, "model run id");
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        Require.text(codeVersion, "model code version");
        Require.notNull(createdAt, "model createdAt");
    }

    public ModelVersion withVersion(int newVersion) {
        return new ModelVersion(name, newVersion, artifactUri, artifactSha256, metrics, lineage, runId, params,
                codeVersion, createdAt, evaluation);
    }
}
