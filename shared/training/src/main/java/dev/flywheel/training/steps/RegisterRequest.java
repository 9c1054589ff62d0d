package dev.flywheel.training.steps;

import dev.flywheel.domain.EvaluationEvidence.ChampionRef;

/**
 * @param action         "register" (with {@code evaluation}), "promote" (with {@code version}), "rollback",
 *                       "requestApproval" (with {@code version} and {@code taskToken}), or "failRuns" (with
 *                       {@code executionId}, {@code error} and {@code cause}: the pipeline's failure path)
 * @param version        promote, requestApproval: the version to make champion
 * @param reason         why, recorded in the alias history
 * @param judgedChampion promote: the champion the version was evaluated against; the alias moves only if it still
 *                       points there (compare-and-set on its revision), else the outcome is "superseded". Absent
 *                       for a promotion by hand, which moves the alias from wherever it is
 * @param taskToken      requestApproval: the Step Functions task token a reviewer answers
 * @param executionId    requestApproval: the waiting execution, for the reviewer's reference; failRuns: the failed
 *                       execution whose unfinished runs end
 * @param error          failRuns: the error that failed the execution, as Step Functions names it
 * @param cause          failRuns: its cause
 */
public record RegisterRequest(String action, String model, EvaluateResult evaluation, Integer version,
                              String reason, ChampionRef judgedChampion, String taskToken, String executionId,
                              String error, String cause) {
}
