package dev.flywheel.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.remote.SignedApi;
import dev.flywheel.cli.serving.ApiGatewayProxy;
import dev.flywheel.cli.serving.InstanceFile;
import dev.flywheel.cli.serving.ModelInputs;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.functions.inference.InferenceHandler;
import dev.flywheel.json.Json;
import dev.flywheel.serving.online.InferenceService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Scores a file through the inference function's handler, in-process: the model's inputs read first with
 * {@code GET /models/{name}}, then the rows sent as {@code POST /models/{name}/predict} events in batches, so a file
 * is scored exactly as the deployed API would score it.
 */
@Command(name = "predict",
        description = {"Score a CSV or JSON Lines file through the inference function's handler.",
                "In-process, no server: the same checks and answers as POST /models/NAME/predict, in batches.",
                "A CSV file needs a header row; its columns are typed by the model's inputs (an empty field is "
                        + "missing), the target column and columns the model does not take are left out. A JSON "
                        + "Lines file has one instance object per line. Rows scored in this process are not "
                        + "captured for monitoring (with --url, the deployed API captures as it does for any call)."})
public final class PredictCommand implements Callable<Integer> {
    /** The most instances in one request: the function's default limit. */
    static final int MAX_BATCH = 1000;
    /** A batch is sent early when its body reaches this size, well under API Gateway's 10 MB. */
    static final int MAX_REQUEST_CHARS = 4 * 1024 * 1024;
    /** A progress line on stderr every this many rows. */
    static final int PROGRESS_EVERY = 10_000;
    private static final Pattern INSTANCE = Pattern.compile("instances\\[(\\d+)]\\.?");

    @Spec
    CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Parameters(paramLabel = "NAME", description = "The model.")
    String name;
    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV with a header row, or JSON Lines (.jsonl): the rows to score.")
    Path data;
    // Not the standard -V/--version of the other commands: here --version picks a model version.
    @Option(names = "--version", paramLabel = "N", description = "The version to use (default: the champion).")
    Integer version;
    @Option(names = "--alias", paramLabel = "A", description = "The alias to use: champion or challenger.")
    String alias;
    @Option(names = "--url", paramLabel = "URL",
            description = "The deployed API (the stack's ApiUrl output): requests go there (https), signed with "
                    + "your AWS credentials (SigV4, service execute-api) instead of to the handler in this process.")
    java.net.URI url;
    @Option(names = "--region", paramLabel = "REGION",
            description = "The API's region for signing (default: AWS_REGION, else the region in --url's host).")
    String region;
    @Option(names = "--batch", defaultValue = "1000", paramLabel = "ROWS",
            description = "Rows per request, 1 to " + MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    int batch;
    /** The deployed API with --url, else null. */
    private SignedApi remote;

    private CommonOptions common() {
        return CommonOptions.of(spec);
    }

    @Override
    public Integer call() {
        if (version != null && alias != null) {
            throw new ParameterException(spec.commandLine(), "give either --version or --alias, not both");
        }
        if (batch < 1 || batch > MAX_BATCH) {
            throw new ParameterException(spec.commandLine(), "--batch must be 1 to " + MAX_BATCH + ", got " + batch);
        }
        if (url != null) {
            if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
                throw new ParameterException(spec.commandLine(), "--url " + url + " is not an API URL like "
                        + "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/ (the stack's ApiUrl output)");
            }
            remote = new SignedApi(url, signingRegion(),
                    software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build());
            return score(remote::call);
        }
        try (Workspace workspace = Workspace.openExisting(common().home());
             InferenceService service = new InferenceService(workspace.stores(), Clock.systemUTC(),
                     ServingConfig.defaults().withCapture(0, 500, 60))) {
            InferenceHandler handler = new InferenceHandler(service, null);
            return score((method, path, query, body) -> ApiGatewayProxy.call(handler, method, path, query, body));
        }
    }

    /** Where requests go: the handler in this process, or the deployed API. */
    @FunctionalInterface
    interface Api {
        ApiGatewayProxy.Reply call(String method, String path, Map<String, String> query, String body);
    }

    /** --region, else AWS_REGION, else the region in an execute-api host name. */
    private String signingRegion() {
        if (region != null && !region.isBlank()) {
            return region.trim();
        }
        String env = System.getenv("AWS_REGION");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Matcher m = Pattern.compile("\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com").matcher(String.valueOf(url.getHost()));
        if (m.find()) {
            return m.group(1);
        }
        throw new ParameterException(spec.commandLine(), "--url " + url + ": give the region to sign for "
                + "(--region or AWS_REGION)");
    }

    private Integer score(Api handler) {
        boolean json = common().json();
        {
            String path = "/models/" + ApiGatewayProxy.encode(name);
            Map<String, String> selector = new LinkedHashMap<>();
            if (version != null) {
                selector.put("version", version.toString());
            } else if (alias != null) {
                selector.put("alias", alias);
            }
            ApiGatewayProxy.Reply described = handler.call("GET", path, selector, null);
            if (described.status() != 200) {
                throw new PredictionException(refused(described, "GET", path, described.error()));
            }
            ModelInputs inputs = ModelInputs.from(described.json());
            // Every batch is scored by the version the alias names now, even if it moves while the file is scored.
            Map<String, String> pinned = Map.of("version", Integer.toString(inputs.version()));
            long start = System.nanoTime();
            long rows = 0;
            try (InstanceFile file = InstanceFile.open(data, inputs)) {
                if (!json && !file.ignoredColumns().isEmpty()) {
                    System.err.println("flywheel: leaving out the columns " + inputs.shown() + " does not take: "
                            + String.join(", ", file.ignoredColumns()));
                }
                Table table = json ? null : new Table(inputs);
                List<InstanceFile.Instance> pending = new ArrayList<>(batch);
                StringBuilder body = new StringBuilder();
                while (file.hasNext()) {
                    InstanceFile.Instance instance = file.next();
                    body.append(body.length() == 0 ? "{\"instances\":[" : ",").append(Json.write(instance.values()));
                    pending.add(instance);
                    if (pending.size() >= batch || body.length() >= MAX_REQUEST_CHARS) {
                        rows += send(handler, path + "/predict", pinned, body, pending, inputs, table, rows, start);
                    }
                }
                if (!pending.isEmpty()) {
                    rows += send(handler, path + "/predict", pinned, body, pending, inputs, table, rows, start);
                }
            }
            if (!json) {
                System.err.printf(Locale.ROOT, "flywheel: scored %d row(s) of %s with %s in %.1f s%n", rows,
                        data.getFileName(), inputs.shown(), (System.nanoTime() - start) / 1e9);
            }
            return 0;
        }
    }

    /** Sends one batch and prints its rows; returns how many were scored. */
    private int send(Api handler, String path, Map<String, String> pinned, StringBuilder body,
                     List<InstanceFile.Instance> pending, ModelInputs inputs, Table table, long before, long start) {
        body.append("]}");
        ApiGatewayProxy.Reply reply = handler.call("POST", path, pinned, body.toString());
        if (reply.status() != 200) {
            throw new PredictionException(refused(reply, "POST", path, located(reply.error(), pending)));
        }
        JsonNode answer = reply.json();
        JsonNode predictions = answer.path("predictions");
        StringBuilder out = new StringBuilder(pending.size() * 64);
        for (int i = 0; i < pending.size(); i++) {
            InstanceFile.Instance instance = pending.get(i);
            JsonNode prediction = predictions.path(i);
            if (table == null) {
                ObjectNode line = Json.object().put("row", instance.row()).put("line", instance.line())
                        .put("model", answer.path("model").asText()).put("version", answer.path("version").asInt());
                if (inputs.alias() != null) {
                    line.put("alias", inputs.alias());
                }
                line.setAll((ObjectNode) prediction);
                out.append(Json.write(line)).append('\n');
            } else {
                table.row(out, instance.row(), prediction);
            }
        }
        System.out.print(out);
        System.out.flush();
        int scored = pending.size();
        long total = before + scored;
        if (table != null && total / PROGRESS_EVERY > before / PROGRESS_EVERY) {
            System.err.printf(Locale.ROOT, "flywheel: %d rows scored (%.1f s)%n", total,
                    (System.nanoTime() - start) / 1e9);
        }
        pending.clear();
        body.setLength(0);
        return scored;
    }

    /**
     * Why a request was refused: {@code error} (the API's own error, as Flywheel's function words it), unless the
     * deployed API's answer is not one of Flywheel's ({@link SignedApi#refusal}).
     */
    private String refused(ApiGatewayProxy.Reply reply, String method, String path, String error) {
        String refusal = remote == null ? null : remote.refusal(reply, method, path);
        return refusal != null ? refusal : error.isBlank() ? "the API answered HTTP " + reply.status() + " to "
                + method + " " + path + " with no error message" : error;
    }

    /** The API's error with its instance index turned into the file's line: "data.csv line 7: age must be...". */
    private String located(String error, List<InstanceFile.Instance> pending) {
        return located(data, error, pending);
    }

    /** The API's error with its instance index turned into the file's line: "data.csv line 7: age must be...". */
    static String located(java.nio.file.Path data, String error, List<InstanceFile.Instance> pending) {
        Matcher m = INSTANCE.matcher(error);
        if (m.find()) {
            int index = Integer.parseInt(m.group(1));
            if (index < pending.size()) {
                String where = data.getFileName() + " line " + pending.get(index).line();
                return m.start() == 0 ? where + ": " + error.substring(m.end()).stripLeading()
                        : where + ": " + error.substring(0, m.start()) + "this row" + error.substring(m.end());
            }
        }
        long first = pending.get(0).line();
        long last = pending.get(pending.size() - 1).line();
        return data.getFileName() + " lines " + first + "-" + last + ": " + error;
    }

    /** The API answered a batch with an error. */
    static final class PredictionException extends RuntimeException {
        PredictionException(String message) {
            super(message);
        }
    }

    /** The table for people, printed as rows come (its widths are known before the first row). */
    private static final class Table {
        private final boolean regression;
        private final String format;

        Table(ModelInputs inputs) {
            regression = inputs.regression();
            int label = Math.max(5, inputs.classes().stream().mapToInt(String::length).max().orElse(5));
            format = regression ? "%-7s  %s%n" : "%-7s  %-" + label + "s  %s%n";
            System.out.printf(Locale.ROOT, format, regression ? new Object[] {"ROW", "VALUE"}
                    : new Object[] {"ROW", "LABEL", "PROBABILITY"});
        }

        void row(StringBuilder out, long row, JsonNode prediction) {
            if (regression) {
                out.append(String.format(Locale.ROOT, format, row, number(prediction.path("value"))));
            } else {
                String label = prediction.path("label").asText();
                out.append(String.format(Locale.ROOT, format, row, label,
                        number(prediction.path("probabilities").path(label))));
            }
        }

        private static String number(JsonNode value) {
            return value.isNumber() ? String.format(Locale.ROOT, "%.4f", value.doubleValue()) : "-";
        }
    }
}
