package dev.flywheel.ml.evaluate;

import dev.flywheel.ml.train.TrainResult;

import java.util.List;
import java.util.Map;

/**
 * @param selected the candidate with the best validation metric
 * @param metrics  the selected candidate's test-split metrics
 * @param champion the current champion scored on the same test rows, or null when there is none
 */
public record EvaluateResult(String model, TrainResult selected, Map<String, Double> metrics, Champion champion,
                             GateDecision gate) {

    public record Champion(int version, Map<String, Double> metrics) {
    }

    public record GateDecision(boolean passed, String metric, List<String> reasons) {
        public GateDecision {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }
}
