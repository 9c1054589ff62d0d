package dev.flywheel.training.evaluate;

import dev.flywheel.training.steps.EvaluateResult;
import dev.flywheel.training.steps.GateConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's decision rules, one case each: thresholds, the champion comparison, and refusing to decide. */
class GateDecisionTest {
    private static final GateConfig BINARY = new GateConfig(null, null, null, null).withDefaults(MlTask.BINARY);

    private static Map<String, Double> auc(Double value) {
        Map<String, Double> metrics = new HashMap<>();
        metrics.put("auc", value);
        metrics.put("logloss", 0.5);
        return metrics;
    }

    private static EvaluateService.Comparison comparison(long compared, long required, double challenger,
                                                         double champion) {
        return new EvaluateService.Comparison(3, compared, required, null, auc(challenger), auc(champion));
    }

    @Test
    void withoutChampion_passesOnThresholdsAlone() {
        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.7), null);

        assertThat(d.verdict()).isEqualTo("passed");
        assertThat(d.passed()).isTrue();
        assertThat(d.reasons()).containsExactly("auc 0.7000 meets threshold >= 0.6000",
                "no champion yet: judged on the thresholds alone");
    }

    @Test
    void thresholdNotMet_fails() {
        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.55), null);

        assertThat(d.verdict()).isEqualTo("failed");
        assertThat(d.reasons()).first().asString().contains("fails threshold >= 0.6000");
    }

    @Test
    void strictlyBetterThanTheChampionOnComparedRows_passes() {
        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.80),
                comparison(250, 200, 0.81, 0.79));

        assertThat(d.verdict()).isEqualTo("passed");
        assertThat(d.reasons()).last().asString()
                .isEqualTo("auc 0.8100 vs champion v3 0.7900 on the 250 test rows neither trained on: "
                        + "improvement 0.0200 > minimum 0.0000");
    }

    @Test
    void aTie_failsSoTheSameDataNeverReplacesTheChampion() {
        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.80), comparison(250, 200, 0.8, 0.8));

        assertThat(d.verdict()).isEqualTo("failed");
    }

    @Test
    void anImprovementBelowTheMinimum_fails() {
        GateConfig gate = new GateConfig(null, 0.05, null, null).withDefaults(MlTask.BINARY);

        assertThat(EvaluateService.decide(gate, auc(0.80), comparison(250, 200, 0.83, 0.80)).verdict())
                .isEqualTo("failed");
        assertThat(EvaluateService.decide(gate, auc(0.80), comparison(250, 200, 0.86, 0.80)).verdict())
                .isEqualTo("passed");
    }

    @Test
    void lowerIsBetterMetric_comparesTheOtherWay() {
        GateConfig gate = new GateConfig(Map.of(), null, "rmse", null).withDefaults(MlTask.REGRESSION);
        EvaluateService.Comparison c = new EvaluateService.Comparison(1, 300, 200, null, Map.of("rmse", 0.9),
                Map.of("rmse", 1.1));

        assertThat(EvaluateService.decide(gate, Map.of("rmse", 1.0), c).verdict()).isEqualTo("passed");
    }

    @Test
    void tooFewRowsNeitherTrainedOn_refusesToDecide() {
        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.95), comparison(120, 200, 0.95, 0.6));

        assertThat(d.verdict()).isEqualTo("undecided");
        assertThat(d.passed()).isFalse();
        assertThat(d.reasons()).last().asString().contains("only 120 test rows").contains("fewer than the 200 needed");
    }

    @Test
    void aChampionWhoseTrainingRowsAreUnknown_refusesToDecide() {
        EvaluateService.Comparison c = new EvaluateService.Comparison(3, 0, 150, "champion v3 records no split",
                Map.of(), Map.of());

        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.95), c);

        assertThat(d.verdict()).isEqualTo("undecided");
        assertThat(d.reasons()).last().asString().contains("records no split");
    }

    @Test
    void anUndefinedComparisonMetric_refusesToDecide() {
        EvaluateService.Comparison c = new EvaluateService.Comparison(3, 250, 200, null, auc(null), auc(0.7));

        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(0.8), c);

        assertThat(d.verdict()).isEqualTo("undecided");
        assertThat(d.reasons()).last().asString().contains("auc is undefined on the 250 rows compared");
    }

    @Test
    void anUndefinedThresholdMetric_fails() {
        EvaluateResult.GateDecision d = EvaluateService.decide(BINARY, auc(null), null);

        assertThat(d.verdict()).isEqualTo("failed");
        assertThat(d.reasons()).first().asString().isEqualTo("auc is undefined on the test rows: threshold >= 0.6000 not met");
    }

    @Test
    void theDefaultThresholds_refuseAModelNoBetterThanAGuessForEveryTask() {
        GateConfig multiclass = new GateConfig(null, null, null, null).withDefaults(MlTask.MULTICLASS);
        GateConfig regression = new GateConfig(null, null, null, null).withDefaults(MlTask.REGRESSION);

        assertThat(EvaluateService.decide(multiclass, Map.of("accuracy", 0.36, "kappa", 0.02), null).verdict())
                .isEqualTo("failed");
        assertThat(EvaluateService.decide(multiclass, Map.of("accuracy", 0.8, "kappa", 0.7), null).verdict())
                .isEqualTo("passed");
        assertThat(EvaluateService.decide(regression, Map.of("rmse", 1.0, "r2", 0.0075), null).reasons())
                .first().asString().isEqualTo("r2 0.0075 fails threshold >= 0.1000");
    }

    @Test
    void theRequiredRowsAreTwoHundredOrTheWholeTestSet() {
        assertThat(BINARY.requiredComparedRows(150)).isEqualTo(150);
        assertThat(BINARY.requiredComparedRows(5000)).isEqualTo(200);
        assertThat(new GateConfig(null, null, null, 50).withDefaults(MlTask.BINARY).requiredComparedRows(5000))
                .isEqualTo(50);
        assertThatThrownBy(() -> new GateConfig(null, null, null, 0).withDefaults(MlTask.BINARY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("minComparedRows");
    }

    @Test
    void anUnknownGateMetric_isTheCallersError() {
        GateConfig gate = new GateConfig(null, null, "f2", null).withDefaults(MlTask.BINARY);

        assertThatThrownBy(() -> EvaluateService.decide(gate, auc(0.8), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("gate metric 'f2'");
    }
}
