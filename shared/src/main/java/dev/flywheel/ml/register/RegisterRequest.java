package dev.flywheel.ml.register;

import dev.flywheel.ml.evaluate.EvaluateResult;

/**
 * @param action      "register" (with {@code evaluation}), "promote" (with {@code version}), "rollback", or
 *                    "requestApproval" (with {@code version} and {@code taskToken})
 * @param version     promote, requestApproval: the version to make champion
 * @param reason      why, recorded in the alias history
 * @param taskToken   requestApproval: the Step Functions task token a reviewer answers
 * @param executionId requestApproval: the waiting execution, for the reviewer's reference
 */
public record RegisterRequest(String action, String model, EvaluateResult evaluation, Integer version,
                              String reason, String taskToken, String executionId) {
}
