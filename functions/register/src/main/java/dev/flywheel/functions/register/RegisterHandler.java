package dev.flywheel.functions.register;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.steps.RegisterRequest;
import dev.flywheel.training.steps.RegisterResult;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;

/**
 * Lambda entry point of the register step: register a version, promote, roll back, request approval: JSON {@link RegisterRequest} in, JSON {@link RegisterResult} out.
 */
public final class RegisterHandler extends JsonHandler<RegisterRequest, RegisterResult> {
    private final RegisterService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public RegisterHandler() {
        this(fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public RegisterHandler(RegisterService service) {
        super(RegisterRequest.class);
        this.service = service;
    }

    private static RegisterService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return RegisterService.over(AwsStores.open(config, clock), clock);
    }

    @Override
    protected RegisterResult handle(RegisterRequest request) {
        return service.handle(request);
    }
}
