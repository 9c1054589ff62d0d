package dev.flywheel.functions.train;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.xgboost.TrainService;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;

/**
 * Lambda entry point of the train step: one XGBoost candidate, tracked as a run: JSON {@link TrainRequest} in, JSON {@link TrainResult} out.
 */
public final class TrainHandler extends JsonHandler<TrainRequest, TrainResult> {
    private final TrainService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public TrainHandler() {
        this(fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public TrainHandler(TrainService service) {
        super(TrainRequest.class);
        this.service = service;
    }

    private static TrainService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return TrainService.over(AwsStores.open(config, clock), clock, config.codeVersion());
    }

    @Override
    protected TrainResult handle(TrainRequest request) {
        return service.train(request);
    }
}
