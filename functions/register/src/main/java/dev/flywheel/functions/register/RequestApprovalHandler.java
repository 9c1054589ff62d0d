package dev.flywheel.functions.register;

import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.training.steps.ApprovalRequest;
import dev.flywheel.training.steps.RegisterResult;

/**
 * Lambda entry point of the manual approval step: records the version waiting and the task token a reviewer answers: JSON {@link ApprovalRequest} in, JSON {@link RegisterResult} out.
 */
public final class RequestApprovalHandler extends JsonHandler<ApprovalRequest, RegisterResult> {
    private final RegisterService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public RequestApprovalHandler() {
        this(RegisterHandler.fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public RequestApprovalHandler(RegisterService service) {
        super(ApprovalRequest.class);
        this.service = service;
    }

    @Override
    protected RegisterResult handle(ApprovalRequest request) {
        return service.requestApproval(request);
    }
}
