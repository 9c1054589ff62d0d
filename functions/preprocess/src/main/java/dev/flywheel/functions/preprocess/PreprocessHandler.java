package dev.flywheel.functions.preprocess;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.ml.features.PreprocessRequest;
import dev.flywheel.ml.features.PreprocessResult;
import dev.flywheel.ml.features.PreprocessService;
import dev.flywheel.store.Stores;
import java.time.Clock;

/**
 * Lambda entry point of the preprocess step: fit the feature pipeline, split, profile; cached by (dataset, config): JSON {@link PreprocessRequest} in, JSON {@link PreprocessResult} out.
 */
public final class PreprocessHandler extends JsonHandler<PreprocessRequest, PreprocessResult> {
    private final PreprocessService service;

    /** Cold start: configuration and stores are built once per container. */
    public PreprocessHandler() {
        this(FlywheelConfig.fromEnvironment());
    }

    private PreprocessHandler(FlywheelConfig config) {
        this(Stores.open(config, Clock.systemUTC()), config);
    }

    /** Over given stores: the embedded local runtime and tests. */
    public PreprocessHandler(Stores stores, FlywheelConfig config) {
        this(new PreprocessService(stores.artifacts(), stores.registries().datasets()));
    }

    PreprocessHandler(PreprocessService service) {
        super(PreprocessRequest.class);
        this.service = service;
    }

    @Override
    protected PreprocessResult handle(PreprocessRequest request) {
        return service.preprocess(request);
    }
}
