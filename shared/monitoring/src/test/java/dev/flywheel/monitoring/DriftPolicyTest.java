package dev.flywheel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftPolicyTest {
    @Test
    void defaults() {
        DriftPolicy p = DriftPolicy.DEFAULTS;
        assertThat(p.smallWindowRows()).isEqualTo(1000);
        assertThat(p.pValue()).isEqualTo(0.05);
        assertThat(p.wasserstein()).isEqualTo(0.1);
        assertThat(p.jsDistance()).isEqualTo(0.1);
        assertThat(p.psi()).isEqualTo(0.2);
        assertThat(p.missingRateChange()).isEqualTo(0.1);
        assertThat(p.datasetShare()).isEqualTo(0.5);
        assertThat(p.minRows()).isEqualTo(30);
        assertThat(p.performanceTolerance()).isEqualTo(0.05);
        assertThat(p.minLabeledRows()).isEqualTo(30);
        assertThat(p.features()).isEmpty();
        assertThat(p.rule("anything")).isEqualTo(new DriftPolicy.FeatureRule("auto", null, false));
        assertThat(Json.read("{}", DriftPolicy.class)).isEqualTo(DriftPolicy.DEFAULTS);
    }

    @Test
    void jsonRoundTripWithPerFeatureRules() {
        String json = """
                {"pValue": 0.01, "datasetShare": 0.3, "minRows": 100,
                 "features": {"income": {"method": "psi", "threshold": 0.25},
                              "id": {"ignore": true},
                              "country": {"method": "js"}}}
                """;
        DriftPolicy p = Json.read(json, DriftPolicy.class);
        assertThat(p.pValue()).isEqualTo(0.01);
        assertThat(p.datasetShare()).isEqualTo(0.3);
        assertThat(p.minRows()).isEqualTo(100);
        assertThat(p.wasserstein()).as("unset fields take the default").isEqualTo(0.1);
        assertThat(p.rule("income")).isEqualTo(new DriftPolicy.FeatureRule("psi", 0.25, null));
        assertThat(p.rule("id").ignore()).isTrue();
        assertThat(p.rule("country").method()).isEqualTo("js");
        DriftPolicy back = Json.read(Json.write(p), DriftPolicy.class);
        assertThat(back).isEqualTo(p);
    }

    @Test
    void invalidValuesSayWhatToFix() {
        assertThatThrownBy(() -> Json.read("{\"pValue\": 1.5}", DriftPolicy.class))
                .hasMessageContaining("pValue must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> policy(Map.of(), 0.0, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("datasetShare must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> policy(Map.of(), null, -1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("minRows").hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> new DriftPolicy(null, null, -0.1, null, null, null, null, null, null, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wasserstein must be positive, got -0.1");
        assertThatThrownBy(() -> policy(Map.of("age", new DriftPolicy.FeatureRule("t-test", null, null)), null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("features.age: method must be one of [auto, chi2, js, ks, psi, wasserstein], "
                        + "got 't-test'");
        assertThatThrownBy(() -> policy(Map.of("age", new DriftPolicy.FeatureRule("psi", -2.0, null)), null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("features.age: threshold must be positive, got -2.0");
    }

    private static DriftPolicy policy(Map<String, DriftPolicy.FeatureRule> rules, Double share, Integer minRows) {
        return new DriftPolicy(null, null, null, null, null, null, share, minRows, null, null, rules);
    }

    @Test
    void unknownKeysAreRefused_andRulesAreCheckedAgainstTheModelsFeatures() {
        assertThatThrownBy(() -> dev.flywheel.json.Json.read("{\"pvalue\": 0.01}", DriftPolicy.class))
                .hasMessageContaining("pvalue");
        assertThatThrownBy(() -> dev.flywheel.json.Json.read("{\"features\": {\"age\": {\"treshold\": 1}}}",
                DriftPolicy.class)).hasMessageContaining("treshold");
        DriftPolicy rules = dev.flywheel.json.Json.read("{\"features\": {\"age\": {\"method\": \"chi2\"}}}",
                DriftPolicy.class);
        assertThatThrownBy(() -> rules.checkFeatures(Map.of("age", true, "job", false)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("features.age: 'age' is numeric, so its method is one of [auto, ks, psi, wasserstein]");
        DriftPolicy unknown = dev.flywheel.json.Json.read("{\"features\": {\"agee\": {\"ignore\": true}}}",
                DriftPolicy.class);
        assertThatThrownBy(() -> unknown.checkFeatures(new java.util.LinkedHashMap<>(Map.of("age", true))))
                .hasMessageContaining("the model has no feature 'agee'; its features: age");
    }
}
