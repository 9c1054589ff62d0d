package dev.flywheel.functions.evaluate;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.ml.evaluate.EvaluateRequest;
import dev.flywheel.ml.evaluate.EvaluateResult;
import dev.flywheel.ml.evaluate.EvaluateService;
import dev.flywheel.store.Stores;
import java.time.Clock;

/**
 * Lambda entry point of the evaluate step: pick the best candidate, compare with the champion, decide the gate: JSON {@link EvaluateRequest} in, JSON {@link EvaluateResult} out.
 */
public final class EvaluateHandler extends JsonHandler<EvaluateRequest, EvaluateResult> {
    private final EvaluateService service;

    /** Cold start: configuration and stores are built once per container. */
    public EvaluateHandler() {
        this(FlywheelConfig.fromEnvironment());
    }

    private EvaluateHandler(FlywheelConfig config) {
        this(Stores.open(config, Clock.systemUTC()), config);
    }

    /** Over given stores: the embedded local runtime and tests. */
    public EvaluateHandler(Stores stores, FlywheelConfig config) {
        this(new EvaluateService(stores.artifacts(), stores.registries().models()));
    }

    EvaluateHandler(EvaluateService service) {
        super(EvaluateRequest.class);
        this.service = service;
    }

    @Override
    protected EvaluateResult handle(EvaluateRequest request) {
        return service.evaluate(request);
    }
}
