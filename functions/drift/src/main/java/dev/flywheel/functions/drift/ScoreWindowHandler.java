package dev.flywheel.functions.drift;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.json.Json;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;
import java.io.PrintStream;

/**
 * Lambda entry point of the merge step: merges the partial windows, joins feedback, scores against the baseline,
 * writes the report (JSON, HTML) and its summary. On Lambda it also writes one CloudWatch Embedded Metric Format line
 * (namespace {@value #NAMESPACE}): DriftDetected, PerformanceDegraded, DriftedShare and Rows, per model and over all
 * models, which the stack's drift alarm and dashboard read.
 */
public final class ScoreWindowHandler extends JsonHandler<DriftSteps.ScoreRequest, DriftSteps.Scored> {
    static final String NAMESPACE = "Flywheel/Drift";

    private final DriftMonitor monitor;
    private final PrintStream metrics;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public ScoreWindowHandler() {
        this(DriftFunctions.fromEnvironment(), System.out);
    }

    /** Over a given monitor: the embedded local runtime and tests (no metric lines). */
    public ScoreWindowHandler(DriftMonitor monitor) {
        this(monitor, null);
    }

    /** @param metrics where the EMF line goes, or null for none */
    public ScoreWindowHandler(DriftMonitor monitor, PrintStream metrics) {
        super(DriftSteps.ScoreRequest.class);
        this.monitor = monitor;
        this.metrics = metrics;
    }

    @Override
    protected DriftSteps.Scored handle(DriftSteps.ScoreRequest request) {
        DriftSteps.Scored scored = monitor.score(request);
        if (metrics != null) {
            metrics.println(Json.write(metricLine(scored, System.currentTimeMillis())));
        }
        return scored;
    }

    /** The EMF line of one scored window (Jackson escapes the model's name). */
    static ObjectNode metricLine(DriftSteps.Scored scored, long epochMillis) {
        ObjectNode line = Json.object();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", epochMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add("Model");
        dimensions.addArray();
        ArrayNode names = directive.putArray("Metrics");
        names.addObject().put("Name", "DriftDetected").put("Unit", "Count");
        names.addObject().put("Name", "PerformanceDegraded").put("Unit", "Count");
        names.addObject().put("Name", "DriftedShare").put("Unit", "None");
        names.addObject().put("Name", "Rows").put("Unit", "Count");
        line.put("Model", scored.model());
        line.put("DriftDetected", scored.drifted() ? 1 : 0);
        line.put("PerformanceDegraded", scored.degraded() ? 1 : 0);
        line.put("DriftedShare", scored.share());
        line.put("Rows", scored.rows());
        line.put("reportId", scored.reportId());
        line.put("verdict", scored.verdict());
        return line;
    }
}
