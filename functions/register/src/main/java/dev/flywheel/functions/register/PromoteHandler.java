package dev.flywheel.functions.register;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.training.steps.PromoteRequest;
import dev.flywheel.training.steps.RegisterResult;

/**
 * Lambda entry point of the promote step: "champion" moves to a version by compare-and-set on the judged champion: JSON {@link PromoteRequest} in, JSON {@link RegisterResult} out.
 */
public final class PromoteHandler extends JsonHandler<PromoteRequest, RegisterResult> {
    private final RegisterService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public PromoteHandler() {
        this(RegisterHandler.fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public PromoteHandler(RegisterService service) {
        super(PromoteRequest.class);
        this.service = service;
    }

    @Override
    protected RegisterResult handle(PromoteRequest request) {
        return service.promote(request);
    }
}
