package dev.flywheel.functions.ingest;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.lambda.JsonHandler;
import dev.flywheel.ml.ingest.IngestRequest;
import dev.flywheel.ml.ingest.IngestResult;
import dev.flywheel.ml.ingest.IngestService;
import dev.flywheel.store.Stores;
import java.time.Clock;

/**
 * Lambda entry point of the ingest step: validate raw data, quarantine bad rows, version by content: JSON {@link IngestRequest} in, JSON {@link IngestResult} out.
 */
public final class IngestHandler extends JsonHandler<IngestRequest, IngestResult> {
    private final IngestService service;

    /** Cold start: configuration and stores are built once per container. */
    public IngestHandler() {
        this(FlywheelConfig.fromEnvironment());
    }

    private IngestHandler(FlywheelConfig config) {
        this(Stores.open(config, Clock.systemUTC()), config);
    }

    /** Over given stores: the embedded local runtime and tests. */
    public IngestHandler(Stores stores, FlywheelConfig config) {
        this(new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC()));
    }

    IngestHandler(IngestService service) {
        super(IngestRequest.class);
        this.service = service;
    }

    @Override
    protected IngestResult handle(IngestRequest request) {
        return service.ingest(request);
    }
}
