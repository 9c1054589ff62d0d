package dev.flywheel.domain;

import java.time.Instant;

/**
 * What the drift monitor decided after a drift report, and why: every decision is kept (append-only), so that
 * "why did (or didn't) this model retrain on Tuesday" has an answer.
 *
 * @param reportId       the drift report the decision was made on
 * @param execution      the training execution started (RETRAIN_*), else null
 * @param championBefore the champion version when the decision was made
 * @param championAfter  the champion version after the retraining finished (RETRAIN_SUCCEEDED/FAILED), else null
 */
public record DriftDecision(String id, String model, String reportId, Instant at, Action action, String reason,
                            String execution, Integer championBefore, Integer championAfter) {

    public enum Action {
        /** Neither the data drifted nor performance degraded. */
        NO_DRIFT,
        /** The window could not give a verdict (too few rows, no baseline): nothing is done, as it cannot tell. */
        NO_VERDICT,
        /** Drift, but a retraining started within the cooldown period. */
        COOLDOWN,
        /** Drift, but the monitor was given no training input to retrain with. */
        NOT_CONFIGURED,
        /** Drift: a training execution was started. */
        RETRAIN_STARTED,
        /** The training execution finished (whether or not its gate promoted a new champion). */
        RETRAIN_SUCCEEDED,
        /** The training execution failed or could not start. */
        RETRAIN_FAILED
    }

    public DriftDecision {
        Require.name(id, "drift decision id");
        Require.name(model, "model name");
        Require.notNull(at, "decision time");
        Require.notNull(action, "decision action");
        Require.text(reason, "decision reason");
    }
}
