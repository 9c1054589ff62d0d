package dev.flywheel.cli.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.json.Json;
import dev.flywheel.serving.online.CaptureKeys;
import dev.flywheel.store.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The demo's serving part: the champion served on a free port of 127.0.0.1, rows of the bundled data sent as real
 * HTTP predict requests of 1 to 10 rows, the true label sent back as feedback for about half of the requests, and
 * the captures written, as a client of the deployed API would see it.
 */
public final class DemoTraffic {
    /** The rows of the bundled data sent as traffic. */
    public static final int ROWS = 200;

    private DemoTraffic() {
    }

    /**
     * @param requests         predict requests sent
     * @param p50Millis        the median round trip of a predict request, HTTP included, in milliseconds
     * @param capturedRows     rows the capture writer wrote
     * @param captures         where the captures are: the hour folder (or the model's folder if they span hours)
     * @param feedback         where the feedback is, the same way
     * @param exampleRequest   a predict request body written for the curl example
     */
    public record Result(String model, int version, int requests, int rows, int feedbackRequests, int feedbackRows,
                         double p50Millis, double p95Millis, long capturedRows, String captures, String feedback,
                         Path exampleRequest, Instant from, Instant until) {
        public ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("model", model).put("version", version).put("requests", requests).put("rows", rows)
                    .put("feedbackRequests", feedbackRequests).put("feedbackRows", feedbackRows)
                    .put("p50Millis", Math.round(p50Millis * 100) / 100.0)
                    .put("p95Millis", Math.round(p95Millis * 100) / 100.0)
                    .put("capturedRows", capturedRows).put("captures", captures).put("feedback", feedback)
                    .put("exampleRequest", exampleRequest.toString());
            return out;
        }
    }

    /**
     * @param artifactsRoot how an artifact key is shown: the home's artifacts folder, or the bucket's URI
     * @param exampleDir    where the example request body is written
     */
    public static Result run(Stores stores, String model, Path data, String artifactsRoot, Path exampleDir,
                             long seed) {
        return run(stores, model, data, ROWS, 2, artifactsRoot, exampleDir, seed);
    }

    /**
     * @param rows          how many of the file's rows to send
     * @param feedbackEvery the true labels of one request in this many go back as feedback (1: every request)
     */
    public static Result run(Stores stores, String model, Path data, int rows, int feedbackEvery,
                             String artifactsRoot, Path exampleDir, long seed) {
        Instant from = Instant.now();
        LocalServing serving = LocalServing.start(stores, new LocalServing.Options("127.0.0.1", 0, model,
                ServingConfig.defaults(), null, null));
        int requests = 0;
        int sent = 0;
        int feedbackRequests = 0;
        int feedbackRows = 0;
        List<Double> latencies = new ArrayList<>();
        Path example;
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = serving.url() + "/models/" + ApiGatewayProxy.encode(model);
            ModelInputs inputs = ModelInputs.from(send(client, HttpRequest.newBuilder(URI.create(base)).GET(), 200));
            Random random = new Random(seed);
            List<InstanceFile.Instance> sample = new ArrayList<>();
            try (InstanceFile file = InstanceFile.open(data, inputs)) {
                while (sample.size() < rows && file.hasNext()) {
                    sample.add(file.next());
                }
            }
            example = exampleDir.resolve("predict-request.json");
            Files.createDirectories(exampleDir);
            Files.writeString(example, Json.write(instances(sample.subList(0, Math.min(2, sample.size())))) + "\n");
            for (int next = 0; next < sample.size(); ) {
                List<InstanceFile.Instance> batch = sample.subList(next, Math.min(sample.size(),
                        next + 1 + random.nextInt(10)));
                next += batch.size();
                long start = System.nanoTime();
                JsonNode answer = send(client, post(base + "/predict", instances(batch)), 200);
                latencies.add((System.nanoTime() - start) / 1e6);
                requests++;
                sent += batch.size();
                if ((requests - 1) % feedbackEvery == 0) {
                    ObjectNode feedback = Json.object();
                    ArrayNode items = feedback.putArray("feedback");
                    for (int i = 0; i < batch.size(); i++) {
                        items.addObject().put("requestId", answer.path("requestId").asText()).put("index", i)
                                .put("label", batch.get(i).target());
                    }
                    send(client, post(base + "/feedback", feedback), 202);
                    feedbackRequests++;
                    feedbackRows += batch.size();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the demo's requests to " + serving.url() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the demo's requests", e);
        } finally {
            serving.close();
        }
        Instant until = Instant.now().plusSeconds(1);
        latencies.sort(Double::compare);
        return new Result(model, serving.version().version(), requests, sent, feedbackRequests, feedbackRows,
                percentile(latencies, 0.50), percentile(latencies, 0.95), serving.service().captures().written(),
                folder(stores, CaptureKeys.CAPTURES, model, from, until, artifactsRoot),
                folder(stores, CaptureKeys.FEEDBACK, model, from, until, artifactsRoot), example, from, until);
    }

    private static ObjectNode instances(List<InstanceFile.Instance> batch) {
        ObjectNode body = Json.object();
        ArrayNode instances = body.putArray("instances");
        batch.forEach(i -> instances.add(i.values()));
        return body;
    }

    private static HttpRequest.Builder post(String url, ObjectNode body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    }

    private static JsonNode send(HttpClient client, HttpRequest.Builder request, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body = Json.tree(response.body());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(response.request().method() + " " + response.uri().getPath()
                    + " answered " + response.statusCode() + ": " + body.path("error").asText(response.body()));
        }
        return body;
    }

    /** Nearest rank. */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The hour folder that holds what was written in [from, until), or the model's folder when there are several. */
    private static String folder(Stores stores, String kind, String model, Instant from, Instant until,
                                 String artifactsRoot) {
        Set<String> folders = new LinkedHashSet<>();
        for (String prefix : CaptureKeys.hourPrefixes(kind, model, from, until)) {
            if (!stores.artifacts().list(prefix).isEmpty()) {
                folders.add(prefix);
            }
        }
        String key = folders.size() == 1 ? folders.iterator().next() : kind + "/" + model + "/";
        return artifactsRoot + "/" + key;
    }
}
