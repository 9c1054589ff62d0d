package dev.flywheel.functions.register;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.training.steps.RegisterRequest;
import dev.flywheel.training.steps.RegisterResult;
import java.time.Clock;

/**
 * Lambda entry point of the register step: a version from an evaluated candidate, with its lineage; "challenger" points at it: JSON {@link RegisterRequest} in, JSON {@link RegisterResult} out.
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

    /** The service every registry handler of this function builds at cold start. */
    static RegisterService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return RegisterService.over(AwsStores.open(config, clock), clock);
    }

    @Override
    protected RegisterResult handle(RegisterRequest request) {
        return service.register(request);
    }
}
