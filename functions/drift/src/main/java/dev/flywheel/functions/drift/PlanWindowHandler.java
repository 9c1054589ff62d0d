package dev.flywheel.functions.drift;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;

/** Lambda entry point of the monitor's first step: the version to score, the window, and the manifest of its capture batches (what the Distributed Map reads). */
public final class PlanWindowHandler extends JsonHandler<DriftSteps.MonitorInput, DriftSteps.Plan> {
    private final DriftMonitor monitor;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public PlanWindowHandler() {
        this(DriftFunctions.fromEnvironment());
    }

    /** Over a given monitor: the embedded local runtime and tests. */
    public PlanWindowHandler(DriftMonitor monitor) {
        super(DriftSteps.MonitorInput.class);
        this.monitor = monitor;
    }

    @Override
    protected DriftSteps.Plan handle(DriftSteps.MonitorInput request) {
        return monitor.plan(request);
    }
}
