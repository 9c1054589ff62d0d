package dev.flywheel.functions.drift;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;

/** Lambda entry point of the last step: records how the drift-triggered training execution ended and the champion after it. */
public final class RecordRetrainingHandler extends JsonHandler<DriftSteps.OutcomeRequest, DriftSteps.Decision> {
    private final DriftMonitor monitor;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public RecordRetrainingHandler() {
        this(DriftFunctions.fromEnvironment());
    }

    /** Over a given monitor: the embedded local runtime and tests. */
    public RecordRetrainingHandler(DriftMonitor monitor) {
        super(DriftSteps.OutcomeRequest.class);
        this.monitor = monitor;
    }

    @Override
    protected DriftSteps.Decision handle(DriftSteps.OutcomeRequest request) {
        return monitor.outcome(request);
    }
}
