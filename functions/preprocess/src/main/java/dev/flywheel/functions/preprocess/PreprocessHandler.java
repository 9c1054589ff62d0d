package dev.flywheel.functions.preprocess;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.steps.PreprocessRequest;
import dev.flywheel.training.steps.PreprocessResult;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;

/**
 * Lambda entry point of the preprocess step: fit the feature pipeline, split, profile; cached by (dataset, config): JSON {@link PreprocessRequest} in, JSON {@link PreprocessResult} out.
 */
public final class PreprocessHandler extends JsonHandler<PreprocessRequest, PreprocessResult> {
    private final PreprocessService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public PreprocessHandler() {
        this(fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public PreprocessHandler(PreprocessService service) {
        super(PreprocessRequest.class);
        this.service = service;
    }

    private static PreprocessService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return PreprocessService.over(AwsStores.open(config, clock), clock);
    }

    @Override
    protected PreprocessResult handle(PreprocessRequest request) {
        return service.preprocess(request);
    }
}
