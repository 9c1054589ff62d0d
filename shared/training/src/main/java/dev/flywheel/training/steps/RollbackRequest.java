package dev.flywheel.training.steps;

/**
 * Move "champion" back along its history.
 *
 * @param model   the model's name
 * @param version the earlier champion to return to, or null for the one before the current champion
 * @param reason  why, recorded in the alias history (default "rollback")
 */
public record RollbackRequest(String model, Integer version, String reason) {
}
