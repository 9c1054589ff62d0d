package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.StopSignals;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.serving.LocalServing;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.io.ExitActions;
import dev.flywheel.json.Json;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The inference API on this machine: the deployed function's handler, behind a local HTTP server that turns each
 * request into the API Gateway event AWS would send.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the home's models over HTTP through the inference function's handler.",
                "A local server turns each request into the API Gateway event AWS would send, with the deployed "
                        + "API's routes: POST /models/NAME/predict, GET /models/NAME, POST /models/NAME/feedback, "
                        + "the Open Inference Protocol's /v2 routes, GET /openapi.json. Stops on Ctrl-C or SIGTERM, "
                        + "after the requests under way and with the captures written."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "The port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for "
                    + "every interface).")
    String host;
    @Option(names = "--model", paramLabel = "NAME",
            description = "The model whose champion is loaded before the first request (default: the home's only "
                    + "model). Every model of the home is served on its routes.")
    String model;
    @Option(names = "--refresh-seconds", paramLabel = "N",
            description = "How often, at most, an alias is checked for a promotion or rollback, 0 to 86400 "
                    + "(default: $" + ServingConfig.REFRESH_SECONDS + ", else 30).")
    Integer refreshSeconds;
    @Option(names = "--capture-share", paramLabel = "X",
            description = "The share of requests captured for monitoring, 0 to 1 (default: $"
                    + ServingConfig.CAPTURE_SHARE + ", else 1).")
    Double captureShare;
    @Option(names = "--shadow-share", paramLabel = "X",
            description = "The share of champion requests the challenger also scores, off the response path, "
                    + "0 to 1 (default: $" + ServingConfig.SHADOW_SHARE + ", else 0).")
    Double shadowShare;
    @Option(names = "--emf", description = "Print the function's CloudWatch Embedded Metric Format lines on stdout.")
    boolean emf;

    private CommonOptions common() {
        return CommonOptions.of(spec);
    }

    @Override
    public Integer call() throws InterruptedException {
        ServingConfig config = config();
        boolean json = common().json();
        try (Workspace workspace = Workspace.openExisting(common().home())) {
            LocalServing serving = LocalServing.start(workspace.stores(), new LocalServing.Options(host, port, model,
                    config, emf ? System.out : null, json ? null : System.err));
            // Whatever ends the process otherwise (SIGHUP, a signal that cannot be handled): captures still written.
            ExitActions.Registration onExit = ExitActions.register("serving", serving::close);
            CountDownLatch stop = StopSignals.install();
            String url = serving.url();
            String shown = serving.model() + " v" + serving.version().version() + " (" + ModelAlias.CHAMPION + ")";
            if (json) {
                ObjectNode ready = Json.object().put("serving", true).put("model", serving.model())
                        .put("version", serving.version().version()).put("alias", ModelAlias.CHAMPION)
                        .put("url", url).put("port", serving.server().port());
                System.out.println(Json.write(ready));
            } else {
                System.err.println("serving " + shown + " on " + url + " — try: curl " + url + "/models/"
                        + serving.model());
            }
            stop.await();
            if (!json) {
                System.err.println("\nflywheel: stopping: finishing the requests under way, writing the captures...");
            }
            serving.close();
            onExit.close();
            long requests = serving.server().requests();
            long captured = serving.service().captures().written();
            if (json) {
                System.out.println(Json.write(Json.object().put("stopped", true).put("requests", requests)
                        .put("capturedRows", captured)));
            } else {
                System.err.println("flywheel: stopped after " + requests + " request(s); " + captured
                        + " captured row(s) written under " + common().home().resolve("artifacts/captures")
                        .toAbsolutePath().normalize());
            }
            return 0;
        }
    }

    private ServingConfig config() {
        ServingConfig config = ServingConfig.fromEnvironment();
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535, got " + port);
        }
        if (refreshSeconds != null) {
            if (refreshSeconds < 0 || refreshSeconds > 86_400) {
                throw new ParameterException(spec.commandLine(), "--refresh-seconds must be 0 to 86400, got "
                        + refreshSeconds);
            }
            config = config.withRefreshSeconds(refreshSeconds);
        }
        if (captureShare != null) {
            checkShare("--capture-share", captureShare);
            config = config.withCapture(captureShare, config.captureBatchRows(), config.captureMaxAgeSeconds());
        }
        if (shadowShare != null) {
            checkShare("--shadow-share", shadowShare);
            config = config.withShadowShare(shadowShare);
        }
        return config;
    }

    private void checkShare(String option, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new ParameterException(spec.commandLine(), option + " must be 0 to 1, got " + share);
        }
    }
}
