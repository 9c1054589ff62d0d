package dev.flywheel.cli.serving;

import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.functions.inference.InferenceHandler;
import dev.flywheel.registry.ModelNotFoundException;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.store.Stores;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The inference API served from a home on this machine: the inference function's handler over the home's stores,
 * behind a {@link LocalServer}, with one model's champion loaded and warmed before the first request, as SnapStart
 * primes it on AWS. What {@code flywheel serve} and the demo start.
 */
public final class LocalServing implements AutoCloseable {
    /** How long a stop waits for the requests under way. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final LocalServer server;
    private final InferenceService service;
    private final ModelVersion version;

    private LocalServing(LocalServer server, InferenceService service, ModelVersion version) {
        this.server = server;
        this.service = service;
        this.version = version;
    }

    /**
     * @param model      the model whose champion is loaded first (the others load on their first request); null:
     *                   the home's only model
     * @param config     the function's settings (the model is set here)
     * @param metricsOut where the Embedded Metric Format lines go, or null for none
     * @param accessLog  one line per request, or null for none
     */
    public record Options(String host, int port, String model, ServingConfig config, PrintStream metricsOut,
                          PrintStream accessLog) {
    }

    /**
     * Picks the model, binds the port, loads and warms the model's champion, then starts answering.
     *
     * @throws NoModelException when the home has no model to serve, or no champion for it
     * @throws LocalServer.PortInUseException when the port is taken
     */
    public static LocalServing start(Stores stores, Options options) {
        String model = modelToServe(stores.registries().models(), options.model());
        InferenceService service = new InferenceService(stores, Clock.systemUTC(), options.config().withModel(model));
        LocalServer server = null;
        try {
            server = LocalServer.bind(options.host(), options.port(), new InferenceHandler(service,
                    options.metricsOut()), options.accessLog());
            ModelVersion version;
            try {
                service.prime();
                version = service.models().preload(model, ModelAlias.CHAMPION);
            } catch (ModelNotFoundException e) {
                throw new NoModelException("model " + model + " cannot be served: " + e.getMessage()
                        + " (promote a version with `flywheel models promote " + model + " VERSION`)");
            }
            server.start();
            return new LocalServing(server, service, version);
        } catch (RuntimeException | Error e) {
            if (server != null) {
                server.stop(Duration.ZERO);
            }
            service.close();
            throw e;
        }
    }

    /** The home has nothing to serve. */
    public static final class NoModelException extends RuntimeException {
        NoModelException(String message) {
            super(message);
        }
    }

    static String modelToServe(ModelRegistry registry, String requested) {
        List<String> names = registry.names();
        if (names.isEmpty()) {
            throw new NoModelException("this home has no model to serve yet: train one with `flywheel demo` or "
                    + "`flywheel pipeline run`");
        }
        if (requested != null) {
            if (!names.contains(requested)) {
                throw new NoModelException("this home has no model '" + requested + "'; its models: "
                        + String.join(", ", names));
            }
            return requested;
        }
        if (names.size() > 1) {
            throw new NoModelException("this home has " + names.size() + " models (" + String.join(", ", names)
                    + "): say which to load first with --model (every model is served on its routes)");
        }
        return names.get(0);
    }

    public LocalServer server() {
        return server;
    }

    public InferenceService service() {
        return service;
    }

    /** The champion loaded at start. */
    public ModelVersion version() {
        return version;
    }

    public String model() {
        return version.name();
    }

    public String url() {
        return server.url();
    }

    /** Stops accepting, lets the requests under way finish, then writes what is still buffered of the captures. */
    @Override
    public void close() {
        try {
            server.stop(GRACE);
        } finally {
            service.close();
        }
    }
}
