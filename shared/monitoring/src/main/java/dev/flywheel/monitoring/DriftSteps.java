package dev.flywheel.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The requests and results of the drift monitor's steps, as the {@code drift-monitor} state machine passes them
 * between its Lambda functions (JSON in, JSON out).
 */
public final class DriftSteps {
    private DriftSteps() {
    }

    /**
     * The monitor's input (also the plan step's request).
     *
     * @param alias         the version to score: this alias's (default "champion") unless {@code version} pins one
     * @param since         window start (ISO-8601); default {@code until} minus {@code windowHours}
     * @param until         window end, exclusive (ISO-8601); default now
     * @param windowHours   default 24
     * @param cooldownHours a drift within this many hours of the last retraining does not retrain (default 24)
     * @param retrain       how to retrain on drift; null: drift is reported and recorded, nothing retrains
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MonitorInput(String model, String alias, Integer version, String since, String until,
                               Integer windowHours, DriftPolicy policy, Double cooldownHours, Retrain retrain) {
    }

    /**
     * @param pipelineInput the training pipeline's input to start (its {@code model} must be this model)
     * @param source        the data to retrain on (a URI ingest reads); null: the window's captures joined with
     *                      their feedback, exported as JSON Lines (only rows with a label)
     * @param dataset       the dataset the exported captures are ingested as (default {@code <model>-captures})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Retrain(JsonNode pipelineInput, String source, String dataset) {
    }

    /**
     * @param manifestKey the object listing the window's capture batches ({@code [{"key": ...}]}), as the S3 key
     *                    the Distributed Map's ItemReader reads
     */
    public record Plan(String runId, String model, int version, String windowStart, String windowEnd,
                       String manifestKey, int files) {
    }

    /** One Map iteration: a batch of capture objects with the plan, as the Map's ItemBatcher shapes it. */
    public record ProfileRequest(@JsonProperty("Items") List<Item> items, @JsonProperty("BatchInput") Plan batchInput) {
        public ProfileRequest {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    public record Item(String key) {
    }

    /** @param unreadable capture objects that could not be read (damaged): skipped, and named in the report */
    public record Partial(String partial, long rows, int files, List<String> unreadable) {
    }

    public record ScoreRequest(Plan plan, DriftPolicy policy) {
    }

    /**
     * @param verdict "drift", "degraded", "drift and degraded", "no drift" or "no verdict"
     */
    public record Scored(String reportId, String model, int version, String verdict, boolean drifted,
                         boolean degraded, double share, long rows, String reason, String reportUri, String jsonUri) {
    }

    public record DecideRequest(Scored report, MonitorInput input) {
    }

    /**
     * @param action        "retrain" (start {@code pipelineInput}) or what was decided instead: "no-drift",
     *                      "cooldown", "not-configured", "no-verdict"
     * @param decisionId    the recorded decision
     * @param pipelineInput the training execution's input when retraining
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decision(String action, String decisionId, String reason, JsonNode pipelineInput) {
    }

    /**
     * The retraining's end as the state machine saw it: {@code execution} is what startExecution.sync returned
     * (ExecutionArn, Status, Output), or {@code error}/{@code cause} when it failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OutcomeRequest(Decision decision, Scored report, JsonNode execution, String error, String cause) {
    }
}
