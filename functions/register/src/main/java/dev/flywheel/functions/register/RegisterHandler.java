package dev.flywheel.functions.register;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.ml.register.RegisterRequest;
import dev.flywheel.ml.register.RegisterResult;
import dev.flywheel.ml.register.RegisterService;
import dev.flywheel.store.Stores;
import java.time.Clock;

/**
 * Lambda entry point of the register step: register a version, promote, roll back, request approval: JSON {@link RegisterRequest} in, JSON {@link RegisterResult} out.
 */
public final class RegisterHandler extends JsonHandler<RegisterRequest, RegisterResult> {
    private final RegisterService service;

    /** Cold start: configuration and stores are built once per container. */
    public RegisterHandler() {
        this(FlywheelConfig.fromEnvironment());
    }

    private RegisterHandler(FlywheelConfig config) {
        this(Stores.open(config, Clock.systemUTC()), config);
    }

    /** Over given stores: the embedded local runtime and tests. */
    public RegisterHandler(Stores stores, FlywheelConfig config) {
        this(new RegisterService(stores.registries().models(), stores.registries().runs(), Clock.systemUTC()));
    }

    RegisterHandler(RegisterService service) {
        super(RegisterRequest.class);
        this.service = service;
    }

    @Override
    protected RegisterResult handle(RegisterRequest request) {
        return service.handle(request);
    }
}
