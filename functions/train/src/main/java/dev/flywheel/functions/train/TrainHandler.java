package dev.flywheel.functions.train;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.ml.train.TrainRequest;
import dev.flywheel.ml.train.TrainResult;
import dev.flywheel.ml.train.TrainService;
import dev.flywheel.store.Stores;
import java.time.Clock;

/**
 * Lambda entry point of the train step: one XGBoost candidate, tracked as a run: JSON {@link TrainRequest} in, JSON {@link TrainResult} out.
 */
public final class TrainHandler extends JsonHandler<TrainRequest, TrainResult> {
    private final TrainService service;

    /** Cold start: configuration and stores are built once per container. */
    public TrainHandler() {
        this(FlywheelConfig.fromEnvironment());
    }

    private TrainHandler(FlywheelConfig config) {
        this(Stores.open(config, Clock.systemUTC()), config);
    }

    /** Over given stores: the embedded local runtime and tests. */
    public TrainHandler(Stores stores, FlywheelConfig config) {
        this(new TrainService(stores.artifacts(), stores.registries().runs(), Clock.systemUTC(), config.codeVersion()));
    }

    TrainHandler(TrainService service) {
        super(TrainRequest.class);
        this.service = service;
    }

    @Override
    protected TrainResult handle(TrainRequest request) {
        return service.train(request);
    }
}
