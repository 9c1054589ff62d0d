package dev.flywheel.functions.register;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.training.steps.FailRunsRequest;
import dev.flywheel.training.steps.FailRunsResult;

/**
 * Lambda entry point of the pipeline's failure path: the failed execution's unfinished runs end as FAILED: JSON {@link FailRunsRequest} in, JSON {@link FailRunsResult} out.
 */
public final class FailRunsHandler extends JsonHandler<FailRunsRequest, FailRunsResult> {
    private final RegisterService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public FailRunsHandler() {
        this(RegisterHandler.fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public FailRunsHandler(RegisterService service) {
        super(FailRunsRequest.class);
        this.service = service;
    }

    @Override
    protected FailRunsResult handle(FailRunsRequest request) {
        return service.failRuns(request);
    }
}
