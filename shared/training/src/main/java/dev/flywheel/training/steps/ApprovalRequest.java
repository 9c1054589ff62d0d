package dev.flywheel.training.steps;

/**
 * The start of a manual approval: a reviewer answers {@code taskToken} to promote {@code version}, or not.
 *
 * @param model       the model's name
 * @param version     the registered version waiting for approval
 * @param taskToken   the Step Functions task token a reviewer answers
 * @param executionId the waiting execution, for the reviewer's reference
 */
public record ApprovalRequest(String model, Integer version, String taskToken, String executionId) {
}
