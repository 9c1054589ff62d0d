package dev.flywheel.training.steps;

/**
 * Register the candidate an evaluation selected as a new model version (with its lineage and the evidence of its
 * gate) and point the "challenger" alias at it.
 *
 * @param model      the model's name
 * @param evaluation the whole output of the evaluate step
 * @param reason     why, recorded in the alias history (default: "registered from run ...")
 */
public record RegisterRequest(String model, EvaluateResult evaluation, String reason) {
}
