package dev.flywheel.functions.ingest;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.IngestResult;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;

/**
 * Lambda entry point of the ingest step: validate raw data, quarantine bad rows, version by content: JSON {@link IngestRequest} in, JSON {@link IngestResult} out.
 */
public final class IngestHandler extends JsonHandler<IngestRequest, IngestResult> {
    private final IngestService service;

    /** Cold start on Lambda: configuration and the S3/DynamoDB stores are built once per container. */
    public IngestHandler() {
        this(fromEnvironment());
    }

    /** Over a given service: the embedded local runtime and tests. */
    public IngestHandler(IngestService service) {
        super(IngestRequest.class);
        this.service = service;
    }

    private static IngestService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return IngestService.over(AwsStores.open(config, clock), clock);
    }

    @Override
    protected IngestResult handle(IngestRequest request) {
        return service.ingest(request);
    }
}
