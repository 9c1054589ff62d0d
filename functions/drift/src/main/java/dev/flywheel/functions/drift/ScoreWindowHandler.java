package dev.flywheel.functions.drift;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;

/** Lambda entry point of the merge step: merges the partial windows, joins feedback, scores against the baseline, writes the report (JSON, HTML) and its summary. */
public final class ScoreWindowHandler extends JsonHandler<DriftSteps.ScoreRequest, DriftSteps.Scored> {
    private final DriftMonitor monitor;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public ScoreWindowHandler() {
        this(DriftFunctions.fromEnvironment());
    }

    /** Over a given monitor: the embedded local runtime and tests. */
    public ScoreWindowHandler(DriftMonitor monitor) {
        super(DriftSteps.ScoreRequest.class);
        this.monitor = monitor;
    }

    @Override
    protected DriftSteps.Scored handle(DriftSteps.ScoreRequest request) {
        return monitor.score(request);
    }
}
