package dev.flywheel.training.steps;

/**
 * @param failedRuns how many RUNNING runs of the execution were recorded as FAILED
 * @param reason     the reason recorded on them
 */
public record FailRunsResult(String model, String executionId, int failedRuns, String reason) {
}
