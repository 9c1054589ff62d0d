package dev.flywheel.functions.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.Column;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.json.Json;
import dev.flywheel.logging.LogContext;
import dev.flywheel.registry.NotFoundException;
import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.Prediction;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.serving.online.ModelSelector;
import dev.flywheel.store.ArtifactIntegrityException;
import dev.flywheel.store.ArtifactNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference API: routes an API Gateway proxy request to {@link InferenceService} and maps the result, or the
 * error, to a JSON response. A client's mistake is a 4xx whose {@code error} names it; anything else is a 500 that
 * says only the request id (the log has the rest). The routes are {@link #ROUTES}, documented in openapi.json.
 */
public final class InferenceApi {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceApi.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Every route, as "METHOD /path/{parameter}". */
    public static final List<String> ROUTES = List.of(
            "POST /models/{name}/predict",
            "GET /models/{name}",
            "POST /models/{name}/feedback",
            "POST /v2/models/{name}/infer",
            "POST /v2/models/{name}/versions/{version}/infer",
            "GET /v2/models/{name}",
            "GET /v2/models/{name}/versions/{version}",
            "GET /v2/models/{name}/ready",
            "GET /v2/models/{name}/versions/{version}/ready",
            "GET /v2/health/ready",
            "GET /v2/health/live",
            "GET /openapi.json");

    private static final String[] METHODS = ROUTES.stream().map(r -> r.substring(0, r.indexOf(' ')))
            .toArray(String[]::new);
    private static final String[][] TEMPLATES = ROUTES.stream().map(r -> segments(r.substring(r.indexOf(' ') + 1)))
            .toArray(String[][]::new);

    private final InferenceService service;
    private final Clock clock;
    private final EmbeddedMetrics metrics;
    private volatile String openApi;

    /** @param metricsOut where the Embedded Metric Format lines go (System.out on Lambda), or null */
    public InferenceApi(InferenceService service, Clock clock, PrintStream metricsOut) {
        this.service = service;
        this.clock = clock;
        this.metrics = new EmbeddedMetrics(metricsOut, () -> service.captures().dropped()
                + service.shadowDropped());
    }

    public InferenceService service() {
        return service;
    }

    /** Answers one request; never throws. */
    public ProxyResponse handle(ProxyRequest request, String fallbackRequestId) {
        long start = System.nanoTime();
        String requestId = requestId(request, fallbackRequestId);
        Outcome outcome;
        String route = "unknown";
        String model = null;
        try (LogContext ignored = LogContext.with(LogContext.REQUEST_ID, requestId)) {
            try {
                String[] path = segments(request.path());
                String method = request.httpMethod() == null ? "" : request.httpMethod().toUpperCase();
                Match match = match(method, path);
                route = match.route;
                model = match.name;
                outcome = dispatch(match, request, requestId);
            } catch (ApiException e) {
                outcome = error(e.status(), e.getMessage(), requestId, e.allow());
            } catch (InvalidInputException | InvalidRecordException e) {
                outcome = error(400, e.getMessage(), requestId, null);
            } catch (NotFoundException e) {
                outcome = error(404, e.getMessage(), requestId, null);
            } catch (ArtifactIntegrityException | ArtifactNotFoundException e) {
                LOG.error("request {}: the model cannot be served: {}", requestId, e.getMessage());
                outcome = error(503, "the model cannot be served: its package is missing or failed its integrity "
                        + "checks; the operator's logs have the details (requestId " + requestId + ")", requestId,
                        null);
            } catch (RuntimeException | Error e) {
                LOG.error("request {} failed", requestId, e);
                outcome = error(500, "internal error (requestId " + requestId + "); the operator's logs have the "
                        + "details", requestId, null);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            metrics.record(clock.millis(), route, model != null && NAME.matcher(model).matches() ? model : null,
                    outcome.version, outcome.status, millis, outcome.predictions, requestId);
            return outcome.response;
        }
    }

    private Outcome dispatch(Match match, ProxyRequest request, String requestId) {
        int max = service.config().maxBodyBytes();
        return switch (match.route) {
            case "POST /models/{name}/predict" -> {
                JsonNode body = RequestBodies.object(request, max);
                checkName(match.name);
                ModelSelector selector = ModelSelector.of(request.query("version"), request.query("alias"));
                InferenceService.Scored scored = service.predict(match.name, selector, requestId,
                        reader -> reader.rows(body.get("instances"), service.config().maxInstances()));
                yield ok(200, predictResponse(scored, requestId), scored, requestId);
            }
            case "POST /v2/models/{name}/infer", "POST /v2/models/{name}/versions/{version}/infer" -> {
                JsonNode body = RequestBodies.object(request, max);
                checkName(match.name);
                ModelSelector selector = selector(match, request);
                JsonNode id = body.get("id");
                InferenceService.Scored scored = service.predict(match.name, selector, requestId,
                        reader -> OpenInferenceProtocol.rows(body, reader, service.config().maxInstances()));
                yield ok(200, OpenInferenceProtocol.response(scored, id != null && id.isTextual() ? id.textValue()
                        : null, requestId), scored, requestId);
            }
            case "GET /models/{name}" -> {
                checkName(match.name);
                InferenceService.Described d = service.describe(match.name,
                        ModelSelector.of(request.query("version"), request.query("alias")));
                yield new Outcome(respond(200, describeResponse(d), requestId, d.version().version()),
                        200, d.version().version(), 0);
            }
            case "GET /v2/models/{name}", "GET /v2/models/{name}/versions/{version}" -> {
                checkName(match.name);
                InferenceService.Described d = service.describe(match.name, selector(match, request));
                yield new Outcome(respond(200, OpenInferenceProtocol.metadata(d), requestId, d.version().version()),
                        200, d.version().version(), 0);
            }
            case "GET /v2/models/{name}/ready", "GET /v2/models/{name}/versions/{version}/ready" -> {
                checkName(match.name);
                InferenceService.Described d = service.describe(match.name, selector(match, request));
                ObjectNode body = Json.object().put("name", match.name)
                        .put("version", Integer.toString(d.version().version())).put("ready", true);
                yield new Outcome(respond(200, body, requestId, d.version().version()), 200,
                        d.version().version(), 0);
            }
            case "POST /models/{name}/feedback" -> {
                JsonNode body = RequestBodies.object(request, max);
                checkName(match.name);
                int stored = service.feedback(match.name, body);
                yield new Outcome(respond(202, Json.object().put("accepted", stored).put("requestId", requestId),
                        requestId, 0), 202, 0, 0);
            }
            case "GET /v2/health/live" -> new Outcome(respond(200, Json.object().put("live", true), requestId, 0),
                    200, 0, 0);
            case "GET /v2/health/ready" -> ready(requestId);
            case "GET /openapi.json" -> new Outcome(new ProxyResponse(200, headers(requestId, 0), openApi(), false),
                    200, 0, 0);
            default -> throw new IllegalStateException("route without a handler: " + match.route);
        };
    }

    /** Ready when the model configured at cold start (if any) is loaded and serving. */
    private Outcome ready(String requestId) {
        String model = service.config().model();
        if (model != null && !service.models().isLoaded(model)) {
            try {
                service.models().preload(model, dev.flywheel.domain.ModelAlias.CHAMPION);
            } catch (RuntimeException e) {
                LOG.warn("not ready: model {} cannot be loaded: {}", model, e.getMessage());
                return error(503, "not ready: the model " + model + " cannot be loaded yet", requestId, null);
            }
        }
        ObjectNode body = Json.object().put("ready", true);
        body.set("models", Json.toTree(service.models().loaded()));
        return new Outcome(respond(200, body, requestId, 0), 200, 0, 0);
    }

    private static ModelSelector selector(Match match, ProxyRequest request) {
        if (match.version != null) {
            if (request.query("alias") != null || request.query("version") != null) {
                throw new InvalidInputException("the path names version " + match.version + ": leave out the "
                        + "version and alias parameters");
            }
            return ModelSelector.of(match.version, null);
        }
        return ModelSelector.of(request.query("version"), request.query("alias"));
    }

    static ObjectNode predictResponse(InferenceService.Scored scored, String requestId) {
        ObjectNode out = Json.object();
        out.put("model", scored.version().name());
        out.put("version", scored.version().version());
        if (scored.alias() != null) {
            out.put("alias", scored.alias());
        }
        out.put("requestId", requestId);
        ArrayNode predictions = out.putArray("predictions");
        for (Prediction p : scored.predictions()) {
            predictions.add(Json.mapper().valueToTree(p));
        }
        return out;
    }

    private static ObjectNode describeResponse(InferenceService.Described d) {
        ObjectNode out = Json.object();
        var v = d.version();
        out.put("model", v.name());
        out.put("version", v.version());
        if (d.alias() != null) {
            out.put("alias", d.alias());
        }
        out.put("task", d.pipeline().task().name().toLowerCase());
        out.put("target", d.pipeline().target());
        if (!d.pipeline().classes().isEmpty()) {
            ArrayNode classes = out.putArray("classes");
            d.pipeline().classes().forEach(classes::add);
        }
        out.set("metrics", Json.toTree(v.metrics()));
        out.set("lineage", Json.toTree(v.lineage()));
        out.put("runId", v.runId());
        out.set("params", Json.toTree(v.params()));
        out.put("codeVersion", v.codeVersion());
        out.put("createdAt", v.createdAt().toString());
        out.put("artifactSha256", v.artifactSha256());
        ArrayNode inputs = out.putArray("inputs");
        for (FeatureSpec f : d.pipeline().features()) {
            ObjectNode input = inputs.addObject();
            input.put("name", f.name());
            Column column = d.schema() == null ? null : d.schema().column(f.name()).orElse(null);
            input.put("type", column == null ? (f.kind() == FeatureSpec.Kind.NUMERIC ? "numeric" : "categorical")
                    : column.type().name().toLowerCase());
            input.put("nullable", column == null || column.nullable());
            if (f.kind() != FeatureSpec.Kind.NUMERIC) {
                ArrayNode categories = input.putArray("categories");
                f.categories().stream().filter(c -> !c.isEmpty()).forEach(categories::add);
            }
        }
        ArrayNode ignored = out.putArray("ignoredColumns");
        if (d.schema() != null) {
            d.schema().columns().stream().filter(c -> !d.features().contains(c.name())
                    && !c.name().equals(d.pipeline().target())).forEach(c -> ignored.add(c.name()));
        }
        if (d.problem() != null) {
            out.put("problem", d.problem());
        }
        return out;
    }

    private Outcome ok(int status, ObjectNode body, InferenceService.Scored scored, String requestId) {
        return new Outcome(respond(status, body, requestId, scored.version().version()), status,
                scored.version().version(), scored.predictions().size());
    }

    static ProxyResponse respond(int status, ObjectNode body, String requestId, int version) {
        return new ProxyResponse(status, headers(requestId, version), Json.write(body), false);
    }

    private static Map<String, String> headers(String requestId, int version) {
        if (version > 0) {
            return Map.of("Content-Type", "application/json", "X-Request-Id", requestId,
                    "X-Flywheel-Model-Version", Integer.toString(version));
        }
        return Map.of("Content-Type", "application/json", "X-Request-Id", requestId);
    }

    private static Outcome error(int status, String message, String requestId, String allow) {
        ObjectNode body = Json.object().put("error", message).put("requestId", requestId);
        Map<String, String> headers = allow == null ? headers(requestId, 0)
                : Map.of("Content-Type", "application/json", "X-Request-Id", requestId, "Allow", allow);
        return new Outcome(new ProxyResponse(status, headers, Json.write(body), false), status, 0, 0);
    }

    private String openApi() {
        String doc = openApi;
        if (doc == null) {
            try (InputStream in = InferenceApi.class.getResourceAsStream("/openapi.json")) {
                if (in == null) {
                    throw new IllegalStateException("openapi.json is missing from the function's jar");
                }
                doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                openApi = doc;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return doc;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("model name '" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                    + "' is not valid: letters, digits, '.', '_' and '-', up to 128");
        }
    }

    private static String requestId(ProxyRequest request, String fallback) {
        if (request != null && request.requestContext() != null && request.requestContext().requestId() != null
                && !request.requestContext().requestId().isBlank()) {
            return request.requestContext().requestId();
        }
        return fallback != null ? fallback : UUID.randomUUID().toString();
    }

    private static String[] segments(String path) {
        if (path == null || path.isEmpty()) {
            return new String[0];
        }
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    private record Match(String route, String name, String version) {
    }

    /** @throws ApiException 404 for a path with no route, 405 for a path with a route under another method */
    static Match match(String method, String[] path) {
        List<String> allowed = new java.util.ArrayList<>(2);
        for (int r = 0; r < ROUTES.size(); r++) {
            String route = ROUTES.get(r);
            String routeMethod = METHODS[r];
            String[] template = TEMPLATES[r];
            if (template.length != path.length) {
                continue;
            }
            String name = null;
            String version = null;
            boolean matches = true;
            for (int i = 0; i < template.length && matches; i++) {
                switch (template[i]) {
                    case "{name}" -> name = decode(path[i]);
                    case "{version}" -> version = decode(path[i]);
                    default -> matches = template[i].equals(path[i]);
                }
            }
            if (matches) {
                if (routeMethod.equals(method)) {
                    return new Match(route, name, version);
                }
                allowed.add(routeMethod);
            }
        }
        String shown = "/" + String.join("/", path);
        if (!allowed.isEmpty()) {
            throw new ApiException(405, method + " is not allowed on " + shown + "; use " + String.join(" or ", allowed),
                    String.join(", ", allowed));
        }
        throw new ApiException(404, "no route " + method + " " + (shown.length() > 80 ? shown.substring(0, 80) + "…"
                : shown) + "; the routes are in GET /openapi.json");
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    private record Outcome(ProxyResponse response, int status, int version, int predictions) {
    }
}
