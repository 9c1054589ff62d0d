package dev.flywheel.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tracked training run (MLflow's noun): what went in, what came out, and how it went.
 *
 * @param experiment    the experiment, by default the model name
 * @param metricHistory per metric name, its values per step in step order
 * @param metrics       final metrics
 * @param artifacts     artifact name to URI
 * @param codeVersion   git commit or build version of the code that ran
 * @param lineage       data and feature pipeline; null only while a run has not yet read its data
 * @param error         why a FAILED run failed; null otherwise
 * @param owner         the process that trains it, to tell a RUNNING run whose process is gone; may be null
 * @param executionId   the execution (pipeline) it is part of, so that the pipeline's failure path can end it;
 *                      null for a run started on its own
 */
public record Run(
        String id,
        String experiment,
        Map<String, String> params,
        Map<String, List<MetricPoint>> metricHistory,
        Map<String, Double> metrics,
        RunStatus status,
        Instant startedAt,
        Instant endedAt,
        Map<String, String> artifacts,
        String codeVersion,
        Lineage lineage,
        String error,
        ProcessOwner owner,
        String executionId) {

    public Run(String id, String experiment, Map<String, String> params, Map<String, List<MetricPoint>> metricHistory,
               Map<String, Double> metrics, RunStatus status, Instant startedAt, Instant endedAt,
               Map<String, String> artifacts, String codeVersion, Lineage lineage, String error) {
        this(id, experiment, params, metricHistory, metrics, status, startedAt, endedAt, artifacts, codeVersion,
                lineage, error, null, null);
    }

    public Run {
        Require.name(id, "run id");
        Require.name(experiment, "experiment");
        params = copy(params);
        metricHistory = metricHistory == null ? Map.of() : copyHistory(metricHistory);
        metrics = copy(metrics);
        Require.notNull(status, "run status");
        Require.notNull(startedAt, "run startedAt");
        if (status.isTerminal() && endedAt == null) {
            throw new InvalidRecordException("a " + status + " run needs endedAt");
        }
        if (endedAt != null && endedAt.isBefore(startedAt)) {
            throw new InvalidRecordException("run endedAt " + endedAt + " is before startedAt " + startedAt);
        }
        artifacts = copy(artifacts);
        Require.text(codeVersion, "code version");
    }

    /** A new RUNNING run. */
    public static Run start(String id, String experiment, Map<String, String> params, String codeVersion,
                            Lineage lineage, Instant now) {
        return start(id, experiment, params, codeVersion, lineage, now, null, null);
    }

    /** A new RUNNING run of {@code owner}, part of {@code executionId} (either may be null). */
    public static Run start(String id, String experiment, Map<String, String> params, String codeVersion,
                            Lineage lineage, Instant now, ProcessOwner owner, String executionId) {
        return new Run(id, experiment, params, Map.of(), Map.of(), RunStatus.RUNNING, now, null, Map.of(),
                codeVersion, lineage, null, owner, executionId);
    }

    /** Whether this RUNNING run's process is gone, so it will never end by itself. */
    public boolean abandoned() {
        return status == RunStatus.RUNNING && owner != null && owner.liveness() == ProcessOwner.Liveness.GONE;
    }

    public Run finish(Map<String, List<MetricPoint>> history, Map<String, Double> finalMetrics,
                      Map<String, String> artifactUris, Instant now) {
        return new Run(id, experiment, params, history, finalMetrics, RunStatus.FINISHED, startedAt, now,
                artifactUris, codeVersion, lineage, null, owner, executionId);
    }

    public Run fail(String reason, Instant now) {
        return new Run(id, experiment, params, metricHistory, metrics, RunStatus.FAILED, startedAt, now, artifacts,
                codeVersion, lineage, reason, owner, executionId);
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static Map<String, List<MetricPoint>> copyHistory(Map<String, List<MetricPoint>> history) {
        Map<String, List<MetricPoint>> out = new LinkedHashMap<>();
        history.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
