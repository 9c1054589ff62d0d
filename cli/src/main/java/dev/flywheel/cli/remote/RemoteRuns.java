package dev.flywheel.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.PipelineRunner;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import dev.flywheel.statemachines.runtime.Sleeper;
import dev.flywheel.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Starts the deployed state machines (the training pipeline, the drift monitor) and follows an execution of Step Functions with the embedded runtime's
 * events, so that a deployed run prints what a local one prints.
 */
public final class RemoteRuns {
    /** The first wait between two polls, and after every poll that brought new events. */
    public static final Duration FIRST_POLL = Duration.ofSeconds(1);
    /** The longest wait between two polls (the back-off grows by half each quiet poll). */
    public static final Duration MAX_POLL = Duration.ofSeconds(10);
    /** Where a local data file is uploaded in the artifact bucket before the pipeline reads it. */
    public static final String UPLOADS = "uploads/";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private RemoteRuns() {
    }

    /**
     * The data source the deployed pipeline reads: an {@code s3://} URI as it is, or a local file uploaded to the
     * artifact bucket under {@value #UPLOADS}{@code <sha256>/<file name>} (content-addressed: uploading the same file
     * again writes nothing).
     */
    public static String source(String data, ArtifactStore artifacts) {
        if (data.startsWith("s3://")) {
            return data;
        }
        Path file = Path.of(data);
        try (InputStream in = Files.newInputStream(file)) {
            return artifacts.putContentAddressed(UPLOADS, "/" + file.getFileName(), in).uri();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --data " + data + ": " + e.getMessage(), e);
        }
    }

    /** A unique execution name: "cli-20250101T120000Z-1a2b3c4d" (Step Functions keeps names for 90 days). */
    public static String executionName(Instant now) {
        return "cli-" + NAME_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Starts the training pipeline with the input {@link PipelineRunner#input} builds, reading {@code source}.
     *
     * @return the execution ARN
     */
    public static String startTraining(RemoteExecutions remote, String stateMachineArn, PipelineRunner.Request request,
                                       String source) {
        return start(remote, stateMachineArn, PipelineRunner.input(request, source));
    }

    /**
     * Starts an execution of a deployed state machine with {@code input}, under a new {@link #executionName}.
     *
     * @return the execution ARN
     */
    public static String start(RemoteExecutions remote, String stateMachineArn, JsonNode input) {
        return remote.start(stateMachineArn, executionName(Instant.now()), Json.write(input));
    }

    /**
     * Follows an execution until it ends: each poll reads DescribeExecution and the whole history (every page),
     * hands the events not seen yet to {@code listener} in id order, and ends when the execution has ended (by its
     * description or by its history's last event, whichever says so first); the wait between polls starts at
     * {@link #FIRST_POLL} and grows by half up to {@link #MAX_POLL} while nothing happens.
     */
    public static ExecutionResult follow(RemoteExecutions remote, String executionArn, ExecutionListener listener,
                                         Sleeper sleeper) {
        StepFunctionsHistory reader = new StepFunctionsHistory();
        List<HistoryEvent> events = new ArrayList<>();
        Duration wait = FIRST_POLL;
        while (true) {
            RemoteExecutions.Execution described = remote.describe(executionArn);
            int before = events.size();
            String token = null;
            do {
                RemoteExecutions.Page<JsonNode> page = remote.history(executionArn, token);
                for (JsonNode raw : page.items()) {
                    if (raw.path("id").asLong() > reader.lastEventId()) {
                        HistoryEvent event = reader.read(raw);
                        events.add(event);
                        listener.onEvent(event);
                    }
                }
                token = page.nextToken();
            } while (token != null);
            HistoryEvent end = events.stream().filter(e -> endStatus(e.type()) != null).reduce((a, b) -> b)
                    .orElse(null);
            if (end != null || !"RUNNING".equals(described.status())) {
                return result(described, end, events);
            }
            wait = events.size() > before ? FIRST_POLL
                    : Duration.ofMillis(Math.min(MAX_POLL.toMillis(), wait.toMillis() * 3 / 2));
            sleeper.sleep(wait);
        }
    }

    /** The status an execution-level event ends with, or null for any other event. */
    static ExecutionStatus endStatus(String type) {
        return switch (type) {
            case "ExecutionSucceeded" -> ExecutionStatus.SUCCEEDED;
            case "ExecutionFailed" -> ExecutionStatus.FAILED;
            case "ExecutionTimedOut" -> ExecutionStatus.TIMED_OUT;
            case "ExecutionAborted" -> ExecutionStatus.ABORTED;
            default -> null;
        };
    }

    /** Step Functions' status as Flywheel's: PENDING_REDRIVE (failed, may be redriven) reads as FAILED. */
    public static ExecutionStatus status(String stepFunctionsStatus) {
        return switch (stepFunctionsStatus) {
            case "SUCCEEDED" -> ExecutionStatus.SUCCEEDED;
            case "FAILED", "PENDING_REDRIVE" -> ExecutionStatus.FAILED;
            case "TIMED_OUT" -> ExecutionStatus.TIMED_OUT;
            case "ABORTED" -> ExecutionStatus.ABORTED;
            default -> ExecutionStatus.RUNNING;
        };
    }

    private static ExecutionResult result(RemoteExecutions.Execution described, HistoryEvent end,
                                          List<HistoryEvent> events) {
        // The description when it has ended (it was read first: the history may end after it), else the history's end.
        ExecutionStatus status = status(described.status()) != ExecutionStatus.RUNNING || end == null
                ? status(described.status()) : endStatus(end.type());
        JsonNode details = end == null ? Json.object() : end.details();
        JsonNode output = described.output() != null ? StepFunctionsHistory.parse(described.output())
                : details.hasNonNull("output") ? details.get("output") : null;
        String error = described.error() != null ? described.error() : details.path("error").asText(null);
        String cause = described.cause() != null ? described.cause() : details.path("cause").asText(null);
        Instant stopped = described.stoppedAt() != null ? described.stoppedAt() : end == null ? null : end.timestamp();
        return new ExecutionResult(described.executionArn(), status,
                status == ExecutionStatus.SUCCEEDED ? output : null, error, cause, events, described.startedAt(),
                stopped);
    }
}
