package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.logs.RetentionDays;

/** One stage's names, tags and defaults; every construct of the stack takes its names from here. */
class StageTest {

    @Test
    void names_andTags_comeFromTheStageName() {
        Stage stage = Stage.of("qa-2");
        assertThat(stage.stackName()).isEqualTo("Flywheel-qa-2");
        assertThat(stage.resourceName("training")).isEqualTo("flywheel-qa-2-training");
        assertThat(stage.dashboardName()).isEqualTo("flywheel-qa-2");
        assertThat(Stage.stateMachineLogGroup(stage.resourceName("drift-monitor")))
                .isEqualTo("/aws/vendedlogs/states/flywheel-qa-2-drift-monitor");
        assertThat(stage.tags()).containsExactly(Map.entry("project", "flywheel"), Map.entry("flywheel:stage", "qa-2"));
    }

    @Test
    void prod_keepsLogsAYearAndAddsApproval_unlessTheInputSaysOtherwise() {
        Stage prod = Stage.of("prod");
        assertThat(prod.logRetention()).isEqualTo(RetentionDays.ONE_YEAR);
        assertThat(prod.pipelineInput(Map.of("model", "m"))).containsEntry("requireApproval", true);
        assertThat(prod.pipelineInput(Map.of("model", "m", "requireApproval", false)))
                .containsEntry("requireApproval", false);
        assertThat(prod.pipelineInput(Map.of())).as("no input, nothing added").isEmpty();
        assertThat(prod.monitorInput(Map.of("model", "m", "retrain", Map.of("pipelineInput", Map.of("model", "m")))))
                .extracting(input -> input.get("retrain").toString()).asString().contains("requireApproval=true");

        Stage dev = Stage.of("dev");
        assertThat(dev.logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
        assertThat(dev.pipelineInput(Map.of("model", "m"))).doesNotContainKey("requireApproval");
    }

    @Test
    void aNameCloudFormationCouldNotUse_isRefused() {
        for (String bad : new String[] {"Prod", "prod_eu", "1st", "", "a-very-long-stage-name-x"}) {
            assertThatThrownBy(() -> Stage.of(bad)).as(bad).hasMessageContaining("stage must be");
        }
    }
}
