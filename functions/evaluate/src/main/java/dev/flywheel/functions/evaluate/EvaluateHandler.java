package dev.flywheel.functions.evaluate;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.steps.EvaluateRequest;
import dev.flywheel.training.steps.EvaluateResult;
import dev.flywheel.training.evaluate.EvaluateService;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;

/**
 * Lambda entry point of the evaluate step: pick the best candidate, compare with the champion, decide the gate: JSON {@link EvaluateRequest} in, JSON {@link EvaluateResult} out.
 */
public final class EvaluateHandler extends JsonHandler<EvaluateRequest, EvaluateResult> {
    private final EvaluateService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public EvaluateHandler() {
        this(fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public EvaluateHandler(EvaluateService service) {
        super(EvaluateRequest.class);
        this.service = service;
    }

    private static EvaluateService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return EvaluateService.over(AwsStores.open(config, clock), clock);
    }

    @Override
    protected EvaluateResult handle(EvaluateRequest request) {
        return service.evaluate(request);
    }
}
