package dev.flywheel.training.steps;

/**
 * The pipeline's failure path: end the failed execution's runs that are still RUNNING.
 *
 * @param model       the model's name
 * @param executionId the failed execution
 * @param error       the error that failed it, as Step Functions names it
 * @param cause       its cause
 */
public record FailRunsRequest(String model, String executionId, String error, String cause) {
}
