package dev.flywheel.functions.register;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.training.steps.RollbackRequest;
import dev.flywheel.training.steps.RegisterResult;

/**
 * Lambda entry point of the rollback operation: "champion" moves back along its history: JSON {@link RollbackRequest} in, JSON {@link RegisterResult} out.
 */
public final class RollbackHandler extends JsonHandler<RollbackRequest, RegisterResult> {
    private final RegisterService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public RollbackHandler() {
        this(RegisterHandler.fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public RollbackHandler(RegisterService service) {
        super(RollbackRequest.class);
        this.service = service;
    }

    @Override
    protected RegisterResult handle(RollbackRequest request) {
        return service.rollback(request);
    }
}
