package dev.flywheel.functions.inference;

import static dev.flywheel.functions.inference.ApiCalls.call;
import static dev.flywheel.functions.inference.ApiCalls.get;
import static dev.flywheel.functions.inference.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.MlTask;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.serving.online.CaptureLog;
import dev.flywheel.serving.online.CaptureRecord;
import dev.flywheel.serving.online.FeedbackRecord;
import dev.flywheel.serving.online.InferenceService;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving over time: captures and feedback joined, alias moves under load, a damaged package, shadow scoring. */
class LiveServingTest {
    @TempDir
    Path home;
    @TempDir
    Path uploads;
    ServedModelFixture fixture;
    InferenceHandler handler;

    @BeforeEach
    void train() {
        fixture = ServedModelFixture.train(home, uploads, "live", MlTask.BINARY, 2);
    }

    @AfterEach
    void close() {
        if (handler != null) {
            handler.api().service().close();
        }
        fixture.close();
    }

    private InferenceHandler serve(ServingConfig config) {
        handler = new InferenceHandler(new InferenceService(fixture.stores, Clock.systemUTC(), config), null);
        return handler;
    }

    private String rows(int from, int to) {
        return fixture.instancesJson(fixture.jsonRows().subList(from, to));
    }

    @Test
    void capturesAndFeedbackWrittenThroughTheHandler_areReadBackJoinedByRequestId() {
        serve(ServingConfig.defaults().withCapture(1.0, 2, 60));
        Instant start = Instant.now().minusSeconds(1);
        ApiCalls.Response three = post(handler, "/models/live/predict", rows(0, 3));
        ApiCalls.Response one = post(handler, "/models/live/predict", rows(3, 4));
        String first = three.body().path("requestId").asText();
        String second = one.body().path("requestId").asText();
        List<String> labels = fixture.features.classes();
        ApiCalls.Response feedback = post(handler, "/models/live/feedback", Json.write(Map.of("feedback", List.of(
                Map.of("requestId", first, "index", 0, "label", labels.get(0)),
                Map.of("requestId", first, "index", 2, "label", labels.get(1)),
                Map.of("requestId", second, "label", labels.get(1))))));
        assertThat(feedback.status()).as(feedback.rawBody()).isEqualTo(202);
        assertThat(feedback.body().path("accepted").asInt()).isEqualTo(3);
        handler.api().service().captures().flush();

        List<CaptureRecord> captured = new ArrayList<>();
        List<FeedbackRecord> joined = new ArrayList<>();
        new CaptureLog(fixture.stores.artifacts()).joined("live", start, Instant.now().plusSeconds(1),
                Instant.now().plusSeconds(1), (capture, truth) -> {
                    captured.add(capture);
                    joined.add(truth);
                });
        assertThat(captured).hasSize(4);
        assertThat(captured).allSatisfy(c -> {
            assertThat(c.version()).isEqualTo(1);
            assertThat(c.alias()).isEqualTo("champion");
            assertThat(c.shadow()).isFalse();
            assertThat(c.features()).containsKey("x0");
            assertThat(c.prediction().label()).isIn(labels);
        });
        Map<String, String> truthByKey = new java.util.HashMap<>();
        for (int i = 0; i < captured.size(); i++) {
            if (joined.get(i) != null) {
                truthByKey.put(captured.get(i).requestId() + "#" + captured.get(i).index(), joined.get(i).label());
            }
        }
        assertThat(truthByKey).containsOnly(Map.entry(first + "#0", labels.get(0)),
                Map.entry(first + "#2", labels.get(1)), Map.entry(second + "#0", labels.get(1)));
        assertThat(fixture.stores.artifacts().list("captures/live/")).allMatch(k -> k.matches(
                "captures/live/\\d{4}/\\d{2}/\\d{2}/\\d{2}/.+\\.jsonl\\.gz"));
        assertThat(handler.api().service().captures().dropped()).isZero();
    }

    @Test
    void promotionUnderLoad_isServedWithinTheRefreshPeriod_withNoFailedOrMixedRequest() throws Exception {
        serve(ServingConfig.defaults().withRefreshSeconds(1).withCapture(0, 10, 60));
        String body = rows(0, 5);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<List<Integer>> seen = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(3);
        for (int t = 0; t < 3; t++) {
            List<Integer> versions = java.util.Collections.synchronizedList(new ArrayList<>());
            seen.add(versions);
            Thread client = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    ApiCalls.Response r = post(handler, "/models/live/predict", body);
                    if (r.status() != 200) {
                        failures.add(r.status() + " " + r.rawBody());
                    } else if (!r.headers().path("X-Flywheel-Model-Version").asText()
                            .equals(r.body().path("version").asText())) {
                        failures.add("header and body disagree: " + r.rawBody());
                    } else {
                        versions.add(r.body().path("version").asInt());
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        started.await();
        waitFor(() -> seen.stream().allMatch(v -> v.size() > 5), Duration.ofSeconds(20));
        long promotedAt = System.nanoTime();
        fixture.stores.registries().models().moveAlias("live", "champion", 2, "promotion under load");
        waitFor(() -> seen.stream().allMatch(v -> !v.isEmpty() && v.get(v.size() - 1) == 2), Duration.ofSeconds(20));
        double seconds = (System.nanoTime() - promotedAt) / 1e9;
        stop.set(true);
        for (Thread client : clients) {
            client.join();
        }
        assertThat(failures).isEmpty();
        for (List<Integer> versions : seen) {
            int firstTwo = versions.indexOf(2);
            assertThat(firstTwo).isPositive();
            assertThat(versions.subList(firstTwo, versions.size())).as("never back to v1 once v2 answered")
                    .containsOnly(2);
        }
        // The alias is read at most once a second; the swap adds one package load.
        assertThat(seconds).isLessThan(10);
        System.out.printf("promotion served by every client after %.2f s (refresh period 1 s)%n", seconds);
    }

    @Test
    void afterAnIdleSpell_theFirstRequestIsAnsweredByTheVersionTheRegistryNamesNow() throws Exception {
        serve(ServingConfig.defaults().withRefreshSeconds(1).withCapture(0, 10, 60));
        assertThat(post(handler, "/models/live/predict", rows(0, 1)).body().path("version").asInt()).isEqualTo(1);
        fixture.stores.registries().models().moveAlias("live", "champion", 2, "promotion while idle");
        Thread.sleep(2_100); // idle for more than two refresh periods: no request in between
        assertThat(post(handler, "/models/live/predict", rows(0, 1)).body().path("version").asInt()).isEqualTo(2);
    }

    @Test
    void aDamagedPackage_isNeverServed_thePreviousVersionGoesOn_andThePinnedVersionIs503() {
        serve(ServingConfig.defaults().withRefreshSeconds(0).withCapture(0, 10, 60));
        assertThat(post(handler, "/models/live/predict", rows(0, 1)).body().path("version").asInt()).isEqualTo(1);
        ModelVersion v2 = fixture.versions.get(1);
        String key = fixture.stores.artifacts().keyOf(v2.artifactUri());
        byte[] bytes;
        try (InputStream in = fixture.stores.artifacts().get(key)) {
            bytes = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        bytes[bytes.length / 2] ^= 0x5a;
        fixture.stores.artifacts().put(key, new ByteArrayInputStream(bytes));
        fixture.stores.registries().models().moveAlias("live", "champion", 2, "promote the damaged version");

        post(handler, "/models/live/predict", rows(0, 1));
        waitFor(() -> get(handler, "/models/live").body().has("problem"), Duration.ofSeconds(20));
        ApiCalls.Response described = get(handler, "/models/live");
        assertThat(described.body().path("version").asInt()).isEqualTo(1);
        assertThat(described.body().path("problem").asText()).contains("failed its integrity checks")
                .doesNotContain("sha256").doesNotContain("file:").doesNotContain("models/live");
        assertThat(post(handler, "/models/live/predict", rows(0, 1)).body().path("version").asInt()).isEqualTo(1);

        ApiCalls.Response pinned = call(handler, "POST", "/models/live/predict", Map.of("version", "2"), rows(0, 1));
        assertThat(pinned.status()).isEqualTo(503);
        assertThat(pinned.error()).contains("failed its integrity checks").doesNotContain("file:");
    }

    @Test
    void shadowMode_letsTheChallengerScoreOffTheResponsePath_andCapturesBoth() {
        fixture.stores.registries().models().moveAlias("live", "challenger", 2, "shadow test");
        serve(ServingConfig.defaults().withShadowShare(1.0).withCapture(1.0, 100, 60));
        ApiCalls.Response r = post(handler, "/models/live/predict", rows(0, 4));
        assertThat(r.body().path("version").asInt()).isEqualTo(1);
        String requestId = r.body().path("requestId").asText();
        CaptureLog log = new CaptureLog(fixture.stores.artifacts());
        List<CaptureRecord> records = new ArrayList<>();
        waitFor(() -> {
            handler.api().service().captures().flush();
            records.clear();
            log.captures("live", Instant.now().minusSeconds(60), Instant.now().plusSeconds(1), records::add);
            return records.size() == 8;
        }, Duration.ofSeconds(20));
        assertThat(records).filteredOn(CaptureRecord::shadow).hasSize(4)
                .allSatisfy(c -> {
                    assertThat(c.version()).isEqualTo(2);
                    assertThat(c.alias()).isEqualTo("challenger");
                    assertThat(c.requestId()).isEqualTo(requestId);
                });
        assertThat(records).filteredOn(c -> !c.shadow()).hasSize(4).allMatch(c -> c.version() == 1);
    }

    private static void waitFor(Supplier<Boolean> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
