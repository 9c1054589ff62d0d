package dev.flywheel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import dev.flywheel.monitoring.DriftSteps.Decision;
import dev.flywheel.monitoring.DriftSteps.DecideRequest;
import dev.flywheel.monitoring.DriftSteps.Item;
import dev.flywheel.monitoring.DriftSteps.MonitorInput;
import dev.flywheel.monitoring.DriftSteps.OutcomeRequest;
import dev.flywheel.monitoring.DriftSteps.Partial;
import dev.flywheel.monitoring.DriftSteps.Plan;
import dev.flywheel.monitoring.DriftSteps.ProfileRequest;
import dev.flywheel.monitoring.DriftSteps.Retrain;
import dev.flywheel.monitoring.DriftSteps.ScoreRequest;
import dev.flywheel.monitoring.DriftSteps.Scored;
import dev.flywheel.monitoring.MonitoredModel.Shape;
import dev.flywheel.testing.MutableClock;
import dev.flywheel.monitoring.report.DriftDocument;
import dev.flywheel.serving.online.CaptureKeys;
import dev.flywheel.serving.online.CaptureLog;
import dev.flywheel.serving.online.CaptureRecord;
import dev.flywheel.serving.online.FeedbackRecord;
import dev.flywheel.serving.online.JsonLinesBatch;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Stores;
import dev.flywheel.store.local.LocalStores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture windows as serving writes them, for the monitor's tests here and in the drift function: a drifted
 * window with everything the monitor must leave out, and a quiet one.
 */
public final class CaptureWindows {
    public static final String MODEL = "churn";
    public static final Instant SINCE = Instant.parse("2026-12-01T00:00:00Z");
    public static final Instant UNTIL = Instant.parse("2026-12-01T03:00:00Z");
    public static final Instant QUIET = Instant.parse("2026-12-02T00:00:00Z");
    public static final double[] NEW_MIX = {0.1, 0.15, 0.2, 0.25, 0.3};

    private CaptureWindows() {
    }

    /** What the window holds, for the assertions. */
    public record Written(List<String> inWindow, String garbage, String truncated, int labelledV1, int retrainRows) {
    }

    /**
     * The drifted window [00:00, 03:00) of Dec 1: 150 counted rows (140 of v1 with predictions, 10 of v2), 5
     * shadow rows, rows just outside the window in a batch inside it, batches in the hours before and after, a
     * garbage batch and a truncated one; feedback for 50 v1 captures, 5 v2 captures, 2 shadow ones and some
     * outside the window.
     */
    public static Written writeDriftedWindow(ArtifactStore store) {
        SplittableRandom r = new SplittableRandom(42);
        Shape drifted = Shape.BASELINE.withX0(1.0, 1).withMix(NEW_MIX);
        List<FeedbackRecord> feedback = new ArrayList<>();
        List<String> inWindow = new ArrayList<>();

        List<CaptureRecord> a = new ArrayList<>();
        Instant ta = SINCE.plus(Duration.ofMinutes(5));
        for (int i = 0; i < 60; i++) {
            a.add(capture(r, "a" + i, ta.plusSeconds(i), 1, false, drifted, feedback, i < 40));
        }
        for (int i = 0; i < 5; i++) {
            // the challenger's shadow captures of the same requests: never counted
            a.add(new CaptureRecord("a" + i, 0, ta.plusSeconds(i), MODEL, 2, null, true,
                    Map.of("x0", 1000.0, "x1", 1000.0, "c0", "zzz"), MonitoredModel.prediction(0.99)));
        }
        inWindow.add(write(store, ta, a));

        List<CaptureRecord> b = new ArrayList<>();
        Instant tb = SINCE.plus(Duration.ofMinutes(70));
        for (int i = 0; i < 50; i++) {
            b.add(capture(r, "b" + i, tb.plusSeconds(i), 1, false, drifted, feedback, false));
        }
        for (int i = 0; i < 10; i++) {
            // a pinned request to v2: its features count, its predictions are not v1's
            b.add(capture(r, "v2-" + i, tb.plusSeconds(60 + i), 2, false, drifted, feedback, i < 5));
        }
        inWindow.add(write(store, tb, b));

        List<CaptureRecord> c = new ArrayList<>();
        Instant tc = SINCE.plus(Duration.ofMinutes(140));
        for (int i = 0; i < 30; i++) {
            c.add(capture(r, "c" + i, tc.plusSeconds(i), 1, false, drifted, feedback, i < 10));
        }
        c.add(capture(r, "c-end", UNTIL, 1, false, drifted, feedback, true));
        c.add(capture(r, "c-before", SINCE.minusSeconds(1), 1, false, drifted, feedback, true));
        inWindow.add(write(store, tc, c));

        for (Instant outside : List.of(UNTIL.plus(Duration.ofMinutes(5)), SINCE.minus(Duration.ofMinutes(30)))) {
            List<CaptureRecord> o = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                o.add(capture(r, "out-" + outside.getEpochSecond() + "-" + i, outside.plusSeconds(i), 1, false,
                        drifted, feedback, true));
            }
            write(store, outside, o);
        }

        String garbage = CaptureKeys.batchKey(CaptureKeys.CAPTURES, MODEL, SINCE.plus(Duration.ofMinutes(75)),
                "garbage");
        store.put(garbage, new ByteArrayInputStream("this is not gzip at all".getBytes(StandardCharsets.UTF_8)));
        inWindow.add(garbage);

        List<CaptureRecord> big = new ArrayList<>();
        Instant tt = SINCE.plus(Duration.ofMinutes(150));
        for (int i = 0; i < 3000; i++) {
            big.add(capture(r, "t" + i, tt.plusMillis(i), 1, false, drifted, feedback, i < 100));
        }
        String truncated = CaptureKeys.batchKey(CaptureKeys.CAPTURES, MODEL, tt, "truncated");
        JsonLinesBatch.write(store, truncated, big);
        byte[] whole = readAll(store, truncated);
        store.put(truncated, new ByteArrayInputStream(java.util.Arrays.copyOf(whole, whole.length / 2)));
        inWindow.add(truncated);

        new CaptureLog(store).writeFeedback(MODEL, feedback);
        return new Written(inWindow, garbage, truncated, 50, 55);
    }

    /** 100 rows of v1 from the baseline's distributions in the hour after {@code QUIET}. */
    public static void writeQuietWindow(ArtifactStore store) {
        SplittableRandom r = new SplittableRandom(43);
        List<CaptureRecord> q = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            q.add(capture(r, "q" + i, QUIET.plusSeconds(10 * i), 1, false, Shape.BASELINE, new ArrayList<>(), false));
        }
        write(store, QUIET, q);
    }

    private static CaptureRecord capture(SplittableRandom r, String requestId, Instant at, int version, boolean shadow,
                                         Shape shape, List<FeedbackRecord> feedback, boolean labelled) {
        boolean positive = r.nextBoolean();
        double p = 1 / (1 + Math.exp(-((positive ? 2 : -2) + MonitoredModel.gaussian(r))));
        if (labelled) {
            feedback.add(new FeedbackRecord(requestId, 0, MODEL, positive ? "yes" : "no", null, at.plusSeconds(600)));
        }
        return new CaptureRecord(requestId, 0, at, MODEL, version, version == 1 ? "champion" : null, shadow,
                MonitoredModel.row(r, shape), MonitoredModel.prediction(p));
    }

    private static String write(ArtifactStore store, Instant first, List<CaptureRecord> records) {
        String key = CaptureKeys.batchKey(CaptureKeys.CAPTURES, MODEL, first, UUID.randomUUID().toString()
                .substring(0, 8));
        JsonLinesBatch.write(store, key, records);
        return key;
    }

    public static byte[] readAll(ArtifactStore store, String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
