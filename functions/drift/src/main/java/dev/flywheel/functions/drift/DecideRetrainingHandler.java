package dev.flywheel.functions.drift;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;

/** Lambda entry point of the decision: retrain (claiming the model's retraining under its cooldown) or why not; every decision is recorded. */
public final class DecideRetrainingHandler extends JsonHandler<DriftSteps.DecideRequest, DriftSteps.Decision> {
    private final DriftMonitor monitor;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public DecideRetrainingHandler() {
        this(DriftFunctions.fromEnvironment());
    }

    /** Over a given monitor: the embedded local runtime and tests. */
    public DecideRetrainingHandler(DriftMonitor monitor) {
        super(DriftSteps.DecideRequest.class);
        this.monitor = monitor;
    }

    @Override
    protected DriftSteps.Decision handle(DriftSteps.DecideRequest request) {
        return monitor.decide(request);
    }
}
