package dev.flywheel.training.steps;

import dev.flywheel.domain.EvaluationEvidence.ChampionRef;

/**
 * Make a version champion.
 *
 * @param model          the model's name
 * @param version        the version to make champion
 * @param reason         why, recorded in the alias history (default "promoted")
 * @param judgedChampion the champion the version was evaluated against: the alias moves only if it still points
 *                       there (compare-and-set on its revision), else the outcome is "superseded". Absent for a
 *                       promotion by hand, which moves the alias from wherever it is
 */
public record PromoteRequest(String model, Integer version, String reason, ChampionRef judgedChampion) {
}
