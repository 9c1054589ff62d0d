package dev.flywheel.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flywheel.cli.CliRunner;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.StubExecutions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code executions show ID --follow} and how a stopped (ABORTED) execution reads when it is followed: the summary
 * of {@code pipeline run --deployed}, the outcome of {@code drift run --deployed}, and {@code executions show}. Step
 * Functions is a stub here (an execution as DescribeExecution and GetExecutionHistory give it); DeployedCommandsIT
 * follows executions on moto.
 */
class FollowedExecutionTest {
    private static final String TRAINING = "arn:aws:states:us-east-1:123456789012:stateMachine:flywheel-dev-training";
    private static final String DRIFT = "arn:aws:states:us-east-1:123456789012:stateMachine:flywheel-dev-drift";
    private static final String RUN = "arn:aws:states:us-east-1:123456789012:execution:flywheel-dev-training:cli-1";
    private static final String MONITOR = "arn:aws:states:us-east-1:123456789012:execution:flywheel-dev-drift:cli-2";
    private static final FlywheelConfig CONFIG = FlywheelConfig.from(Map.of(FlywheelConfig.MODE, "aws",
            FlywheelConfig.BUCKET, "b", FlywheelConfig.TABLE, "t", FlywheelConfig.TRAINING_STATE_MACHINE_ARN,
            TRAINING, FlywheelConfig.DRIFT_STATE_MACHINE_ARN, DRIFT));

    /** What a command printed, and its exit code. */
    private record Printed(int code, String out, String err) {
    }

    /** ExecutionStarted, the state {@code state} entered, and ExecutionAborted with the given error and cause. */
    private static JsonNode abortedHistory(String state, String error, String cause) {
        ArrayNode events = Json.mapper().createArrayNode();
        events.addObject().put("id", 1).put("previousEventId", 0).put("type", "ExecutionStarted")
                .put("timestamp", "2025-01-01T12:00:00Z").putObject("executionStartedEventDetails").put("input", "{}");
        events.addObject().put("id", 2).put("previousEventId", 1).put("type", "TaskStateEntered")
                .put("timestamp", "2025-01-01T12:00:01Z").putObject("stateEnteredEventDetails").put("name", state);
        var details = events.addObject().put("id", 3).put("previousEventId", 2).put("type", "ExecutionAborted")
                .put("timestamp", "2025-01-01T12:01:30Z").putObject("executionAbortedEventDetails");
        details.put("error", error).put("cause", cause);
        return events;
    }

    private static Printed follow(RemoteExecutions remote, String id, boolean json) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = DeployedRuns.followToEnd(remote, CONFIG, id, json);
            return new Printed(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void followingAStoppedTrainingRun_printsTheRunsStepLines_thenReadsAsStoppedWithItsCause_andTheRequestedModel() {
        var remote = new StubExecutions(StubExecutions.ended(RUN, TRAINING, "ABORTED",
                "{\"model\": \"credit-risk\", \"ingest\": {}}", "Flywheel.Aborted", "wrong data"),
                abortedHistory("Ingest", "Flywheel.Aborted", "wrong data"));

        Printed text = follow(remote, "cli-1", false);

        assertThat(text.code()).isEqualTo(1);
        assertThat(text.err()).contains("Following the deployed training pipeline's execution\n  execution " + RUN,
                "`flywheel executions show cli-1 --follow` follows it again", "  → Ingest");
        assertThat(text.out()).contains("status                ABORTED", "model                 credit-risk")
                .containsPattern("✗ stopped +wrong data").doesNotContain("✗ failed");

        Printed json = follow(remote, RUN, true);
        JsonNode summary = Json.tree(json.out());
        assertThat(summary.path("status").asText()).isEqualTo("ABORTED");
        assertThat(summary.path("outcome").asText()).isEqualTo("stopped");
        assertThat(summary.path("model").asText()).as("the requested model, from the execution's input")
                .isEqualTo("credit-risk");
        assertThat(summary.path("cause").asText()).isEqualTo("wrong data");
        assertThat(summary.path("seconds").asDouble()).as("the execution's duration").isEqualTo(90.0);
        assertThat(json.err()).as("stdout is the JSON; no step lines").isEmpty();
    }

    @Test
    void aStopWithNoCause_readsAsStoppedWithNoCauseGiven_notAsAFailureWithNothingAfterTheColon() {
        var training = new StubExecutions(StubExecutions.ended(RUN, TRAINING, "ABORTED", "{}", "", ""),
                abortedHistory("Ingest", "", ""));
        assertThat(follow(training, "cli-1", false).out()).containsPattern("✗ stopped +\\(no cause given\\)")
                .doesNotContain("✗ failed").doesNotContainPattern(": *\n");

        var monitor = new StubExecutions(StubExecutions.ended(MONITOR, DRIFT, "ABORTED", "{}", null, null),
                abortedHistory("PlanWindow", null, null));
        Printed drift = follow(monitor, "cli-2", false);
        assertThat(drift.code()).isEqualTo(1);
        assertThat(drift.err()).contains("Following the deployed drift monitor's execution");
        assertThat(drift.out().lines().findFirst().orElseThrow())
                .isEqualTo("ABORTED  drift monitor execution " + MONITOR + ": stopped (no cause given)");

        var stopped = new StubExecutions(StubExecutions.ended(MONITOR, DRIFT, "ABORTED", "{}", "Flywheel.Aborted",
                "wrong window"), abortedHistory("PlanWindow", "Flywheel.Aborted", "wrong window"));
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        DeployedExecutions.printShow(stopped, CONFIG, MONITOR, false, new PrintStream(shown, true,
                StandardCharsets.UTF_8));
        assertThat(shown.toString(StandardCharsets.UTF_8)).contains(MONITOR + "  flywheel-dev-drift  ABORTED\n"
                + "stopped: wrong window\n").doesNotContain("error: ");
    }

    @Test
    void anotherStateMachinesExecution_endsWithItsStatusAndHowItEnded() {
        String other = "arn:aws:states:us-east-1:123456789012:execution:someone-else:x";
        var remote = new StubExecutions(StubExecutions.ended(other, "arn:aws:states:us-east-1:123456789012:"
                + "stateMachine:someone-else", "FAILED", "{}", "States.TaskFailed", "it broke"),
                Json.mapper().createArrayNode());

        Printed text = follow(remote, other, false);

        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out().strip()).isEqualTo("FAILED  " + other + ": States.TaskFailed: it broke");
        assertThat(text.err()).contains("`flywheel executions show " + other + " --follow` follows it again");
    }

    @Test
    void followInLocalMode_isAUsageErrorThatSaysWhereLocalExecutionsAreFollowed() {
        CliRunner.Result result = CliRunner.run("executions", "show", "training-pipeline-1", "--follow");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--follow follows a deployed execution (FLYWHEEL_MODE=aws): a local "
                + "execution runs inside the flywheel process that started it, which prints its steps; `flywheel "
                + "executions show training-pipeline-1` reads its history so far");
    }
}
