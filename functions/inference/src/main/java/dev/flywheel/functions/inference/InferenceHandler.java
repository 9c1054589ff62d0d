package dev.flywheel.functions.inference;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.json.Json;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.store.aws.AwsStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of the inference API behind API Gateway (REST, proxy integration): the event in, the response
 * out, through {@link InferenceApi}. With SnapStart, the snapshot is taken after {@link #beforeCheckpoint}: the
 * configured model's champion loaded, checked and warmed; {@link #afterRestore} renews what every restored copy must
 * not share and checks the aliases again.
 */
public final class InferenceHandler implements RequestStreamHandler, Resource {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceHandler.class);
    private static final ObjectReader EVENTS = Json.mapper().readerFor(ProxyRequest.class);
    private static final ObjectWriter RESPONSES = Json.mapper().writerFor(ProxyResponse.class);

    private final InferenceApi api;

    /**
     * Cold start on Lambda: configuration and stores once per container; the configured champion loaded (warmed only
     * before a SnapStart snapshot: without SnapStart, warming here delayed the first response by about 0.2 s).
     */
    public InferenceHandler() {
        this(fromEnvironment(), System.out);
        try {
            api.service().preload();
        } catch (RuntimeException e) {
            // Not fatal at cold start: requests answer with what is wrong (404, 503), and the next one tries again.
            LOG.error("the configured model could not be loaded at cold start: {}", e.getMessage());
        }
        Core.getGlobalContext().register(this);
    }

    /** Over a given service: the local server, the CLI's predict command, tests and benchmarks. */
    public InferenceHandler(InferenceService service, PrintStream metricsOut) {
        this.api = new InferenceApi(service, Clock.systemUTC(), metricsOut);
    }

    private static InferenceService fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return new InferenceService(AwsStores.open(config, clock), clock, ServingConfig.fromEnvironment());
    }

    public InferenceApi api() {
        return api;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String lambdaRequestId = context == null ? null : context.getAwsRequestId();
        ProxyResponse response;
        ProxyRequest request;
        try {
            request = EVENTS.readValue(input);
        } catch (IOException | RuntimeException e) {
            request = null;
            LOG.error("the event is not an API Gateway proxy event: {}", e.getMessage());
        }
        if (request == null) {
            response = new ProxyResponse(400, Map.of("Content-Type", "application/json"),
                    "{\"error\":\"the event is not an API Gateway REST proxy event\"}", false);
        } else {
            response = api.handle(request, lambdaRequestId);
        }
        RESPONSES.writeValue(output, response);
    }

    /** SnapStart: load and warm before the snapshot; nothing buffered goes into it. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        api.service().prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        api.service().afterRestore();
    }
}
