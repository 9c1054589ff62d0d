package dev.flywheel.functions.drift;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;

/** Lambda entry point of one Map iteration: profiles a batch of capture objects into a partial window. */
public final class ProfileCapturesHandler extends JsonHandler<DriftSteps.ProfileRequest, DriftSteps.Partial> {
    private final DriftMonitor monitor;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public ProfileCapturesHandler() {
        this(DriftFunctions.fromEnvironment());
    }

    /** Over a given monitor: the embedded local runtime and tests. */
    public ProfileCapturesHandler(DriftMonitor monitor) {
        super(DriftSteps.ProfileRequest.class);
        this.monitor = monitor;
    }

    @Override
    protected DriftSteps.Partial handle(DriftSteps.ProfileRequest request) {
        return monitor.profile(request);
    }
}
