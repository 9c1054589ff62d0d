package dev.flywheel.training.steps;

import dev.flywheel.domain.EvaluationEvidence;

import java.util.List;
import java.util.Map;

/**
 * @param selected the candidate with the best validation metric
 * @param metrics  the selected candidate's metrics on its whole test split
 * @param champion the champion as judged: its version, alias revision and metrics on the rows compared; null when
 *                 there was none
 * @param gate     the decision and its reasons
 * @param evidence what was compared (split, test rows, compared rows, judged champion), kept on the model version
 */
public record EvaluateResult(String model, TrainResult selected, Map<String, Double> metrics, Champion champion,
                             GateDecision gate, EvaluationEvidence evidence) {

    /** @param metrics the champion's metrics on the compared rows (empty when the gate could not compare) */
    public record Champion(int version, long revision, Map<String, Double> metrics) {
    }

    /**
     * @param passed  whether the challenger may be registered and promoted
     * @param verdict {@code passed}, {@code failed}, or {@code undecided} when the gate could not tell (too few rows
     *                neither model trained on, an undefined metric): never a pass
     */
    public record GateDecision(boolean passed, String verdict, String metric, List<String> reasons) {
        public GateDecision {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }
}
