package dev.flywheel.cli;

import static dev.flywheel.cli.TrainedHome.FIRST_ROW;
import static dev.flywheel.cli.TrainedHome.MODEL;
import static dev.flywheel.cli.TrainedHome.SECOND_ROW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.serving.LocalServer;
import dev.flywheel.cli.serving.LocalServing;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.store.Stores;
import dev.flywheel.store.local.LocalStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel serve}: the inference function's handler behind the local HTTP server, over real HTTP on an
 * ephemeral port of 127.0.0.1, on a model trained by the pipeline (v1, the champion) and a second version
 * registered with the same package (v2), for the promotion.
 */
class ServeCommandTest {
    @TempDir
    static Path home;
    static Stores stores;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void trainAModelWithTwoVersions() {
        TrainedHome.train(home);
        stores = LocalStores.open(home, Clock.systemUTC());
        ModelVersion v1 = stores.registries().models().get(MODEL, 1);
        ModelVersion v2 = stores.registries().models().register(v1.withVersion(0));
        assertThat(v2.version()).isEqualTo(2);
    }

    @AfterAll
    static void close() {
        stores.close();
    }

    private static LocalServing serve(ServingConfig config, PrintStream accessLog) {
        return LocalServing.start(stores, new LocalServing.Options("127.0.0.1", 0, MODEL, config, null, accessLog));
    }

    private static int champion() {
        return stores.registries().models().resolve(MODEL, "champion").version();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void predict_answers200WithTheVersionThatServedIt_andLogsOneLinePerRequest() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (LocalServing serving = serve(ServingConfig.defaults(), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            HttpResponse<String> response = send(post(serving.url() + "/models/" + MODEL + "/predict",
                    "{\"instances\": [" + FIRST_ROW + ", " + SECOND_ROW + "]}"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = Json.tree(response.body());
            assertThat(body.path("model").asText()).isEqualTo(MODEL);
            assertThat(body.path("version").asInt()).isEqualTo(champion());
            assertThat(body.path("alias").asText()).isEqualTo("champion");
            assertThat(body.path("predictions")).hasSize(2);
            body.path("predictions").forEach(p -> assertThat(p.path("label").asText()).isIn("good", "bad"));
            assertThat(response.headers().firstValue("X-Flywheel-Model-Version"))
                    .contains(Integer.toString(champion()));
            assertThat(response.headers().firstValue("X-Request-Id")).contains(body.path("requestId").asText());
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");

            HttpResponse<String> pinned = send(post(serving.url() + "/models/" + MODEL + "/predict?version=2",
                    "{\"instances\": [" + FIRST_ROW + "]}"));
            assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
            assertThat(Json.tree(pinned.body()).path("version").asInt()).isEqualTo(2);
        }
        assertThat(log.toString(StandardCharsets.UTF_8).lines().toList())
                .anySatisfy(line -> assertThat(line).startsWith("POST /models/" + MODEL + "/predict 200 ")
                        .endsWith(" ms v" + champion()))
                .anySatisfy(line -> assertThat(line).startsWith("POST /models/" + MODEL + "/predict?version=2 200 ")
                        .endsWith(" v2"));
    }

    @Test
    void clientMistakes_answerJsonErrors_badJson400_unknownRoute404_tooLarge413() throws Exception {
        try (LocalServing serving = serve(ServingConfig.defaults(), null)) {
            HttpResponse<String> badJson = send(post(serving.url() + "/models/" + MODEL + "/predict",
                    "{\"instances\": [{\"age\": 3"));
            assertThat(badJson.statusCode()).isEqualTo(400);
            assertThat(Json.tree(badJson.body()).path("error").asText()).contains("not valid JSON");

            HttpResponse<String> noRoute = send(HttpRequest.newBuilder(URI.create(serving.url() + "/nothing/here")));
            assertThat(noRoute.statusCode()).isEqualTo(404);
            assertThat(Json.tree(noRoute.body()).path("error").asText()).contains("no route GET /nothing/here");

            byte[] eleven = new byte[11 * 1024 * 1024];
            Arrays.fill(eleven, (byte) ' ');
            HttpResponse<String> tooLarge = send(HttpRequest.newBuilder(URI.create(serving.url() + "/models/"
                    + MODEL + "/predict")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(eleven)));
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(Json.tree(tooLarge.body()).path("error").asText())
                    .contains("the limit is " + LocalServer.MAX_BODY_BYTES);

            // Not UTF-8: sent to the handler base64-encoded, as API Gateway does, and refused as JSON, not a 500.
            HttpResponse<String> binary = send(HttpRequest.newBuilder(URI.create(serving.url() + "/models/" + MODEL
                    + "/predict")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe})));
            assertThat(binary.statusCode()).isEqualTo(400);
            assertThat(Json.tree(binary.body()).path("error").asText()).contains("not valid JSON");

            HttpResponse<String> openApi = send(HttpRequest.newBuilder(URI.create(serving.url() + "/openapi.json")));
            assertThat(openApi.statusCode()).isEqualTo(200);
            assertThat(Json.tree(openApi.body()).path("openapi").asText()).startsWith("3.");
        }
    }

    /**
     * THE PROMOTION TEST: clients keep sending predictions while the champion moves from v1 to v2. Every answer is a
     * 200 from v1 or v2, no client sees v1 again once it saw v2, and v2 answers within the refresh period plus the
     * time to load it.
     */
    @Test
    void promotion_isServedWithinTheRefreshPeriod_withoutAFailedRequestOrAClientGoingBackToV1() throws Exception {
        ModelRegistry models = stores.registries().models();
        models.moveAlias(MODEL, "champion", 1, "test: start from v1");
        int clients = 4;
        List<List<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            answers.add(new CopyOnWriteArrayList<>());
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long promoted;
        try (LocalServing serving = serve(ServingConfig.defaults().withRefreshSeconds(1), null)) {
            String url = serving.url() + "/models/" + MODEL + "/predict";
            for (int c = 0; c < clients; c++) {
                List<Answer> mine = answers.get(c);
                pool.submit(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> r = send(post(url, "{\"instances\": [" + FIRST_ROW + "]}"));
                            mine.add(new Answer(System.nanoTime(), r.statusCode(),
                                    r.statusCode() == 200 ? Json.tree(r.body()).path("version").asInt() : 0, r.body()));
                        } catch (IOException | RuntimeException e) {
                            mine.add(new Answer(System.nanoTime(), -1, 0, e.toString()));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            awaitUntil(Duration.ofSeconds(60), () -> answers.stream().allMatch(a -> a.size() >= 5));

            models.moveAlias(MODEL, "champion", 2, "test");
            promoted = System.nanoTime();

            // Every client sees v2, then sends a few more requests.
            awaitUntil(Duration.ofSeconds(30), () -> answers.stream()
                    .allMatch(a -> a.stream().filter(x -> x.version() == 2).count() >= 5));
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            stop.set(true);
            pool.shutdownNow();
            models.moveAlias(MODEL, "champion", 1, "test: back to v1");
        }

        long firstV2 = Long.MAX_VALUE;
        long lastClientOnV2 = 0;
        int total = 0;
        for (List<Answer> mine : answers) {
            boolean sawV2 = false;
            for (Answer a : mine) {
                total++;
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.version()).isIn(1, 2);
                if (sawV2) {
                    assertThat(a.version()).as("a client saw v1 after v2").isEqualTo(2);
                }
                if (a.version() == 2 && !sawV2) {
                    sawV2 = true;
                    firstV2 = Math.min(firstV2, a.receivedNanos());
                    lastClientOnV2 = Math.max(lastClientOnV2, a.receivedNanos());
                }
            }
        }
        Duration delay = Duration.ofNanos(firstV2 - promoted);
        Duration allClients = Duration.ofNanos(lastClientOnV2 - promoted);
        System.out.printf("promotion: v2 first served %d ms after the alias moved, to every client after %d ms "
                + "(refresh period 1 s; %d requests from %d clients, all 200)%n", delay.toMillis(),
                allClients.toMillis(), total, clients);
        assertThat(delay).isLessThan(Duration.ofSeconds(10));
        assertThat(allClients).isLessThan(Duration.ofSeconds(10));
    }

    private record Answer(long receivedNanos, int status, int version, String body) {
    }

    @Test
    void serve_onAPortInUse_saysWhichPortAndHowToPickAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRunner.Result result = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> CliRunner.run("serve",
                    "--port", Integer.toString(taken.getLocalPort()), "--home", home.toString()));

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err().strip()).startsWith("flywheel: port " + taken.getLocalPort() + " on 127.0.0.1 is "
                    + "in use").contains("pick another with --port").doesNotContain("\n");
        }
    }

    @Test
    void serve_onAHomeWithoutModels_saysThereIsNothingToServe(@TempDir Path empty) {
        LocalStores.open(empty, Clock.systemUTC()).close();

        CliRunner.Result result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRunner.run("serve",
                "--port", "0", "--home", empty.toString()));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("no model to serve yet").contains("flywheel pipeline run");
    }

    /** Polls until the condition holds; fails at the deadline. */
    private static void awaitUntil(Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("not reached within " + deadline).isLessThan(end);
            Thread.sleep(20);
        }
    }
}
