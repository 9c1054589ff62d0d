package dev.flywheel.training.steps;


import java.util.List;

/** @param gate optional; per-task defaults (binary: auc at least 0.6, compared on auc) */
public record EvaluateRequest(String model, FeatureSet features, List<TrainResult> candidates, GateConfig gate) {
}
