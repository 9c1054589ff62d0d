package dev.flywheel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlywheelConfigTest {

    @Test
    void defaults_areLocalModeInDotFlywheel() {
        FlywheelConfig config = FlywheelConfig.from(Map.of());
        assertThat(config.mode()).isEqualTo(FlywheelConfig.Mode.LOCAL);
        assertThat(config.home()).isEqualTo(Path.of(".flywheel"));
        assertThat(config.endpointOverride()).isEmpty();
        assertThat(config.codeVersion()).isNotBlank();
    }

    @Test
    void awsMode_readsBucketTableRegionAndEndpoint() {
        FlywheelConfig config = FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "AWS", "FLYWHEEL_BUCKET", "b",
                "FLYWHEEL_TABLE", "t", "AWS_REGION", "eu-west-1", "FLYWHEEL_AWS_ENDPOINT", "http://127.0.0.1:4566",
                "FLYWHEEL_CODE_VERSION", "abc123"));
        assertThat(config.bucket()).isEqualTo("b");
        assertThat(config.table()).isEqualTo("t");
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.endpointOverride()).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(config.codeVersion()).isEqualTo("abc123");
    }

    @Test
    void invalidValues_nameTheVariableToFix() {
        assertThatThrownBy(() -> FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "cloud")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FLYWHEEL_MODE");
        assertThatThrownBy(() -> FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_TABLE", "t",
                "AWS_REGION", "us-east-1"))).hasMessageContaining("FLYWHEEL_BUCKET must be set");
        assertThatThrownBy(() -> FlywheelConfig.from(Map.of("FLYWHEEL_AWS_ENDPOINT", "not a url")))
                .hasMessageContaining("FLYWHEEL_AWS_ENDPOINT");
    }

    @Test
    void stateMachineArns_areReadForTheCli_andTheTrainingOneIsRequiredWhereItIsUsed() {
        Map<String, String> aws = Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_BUCKET", "b", "FLYWHEEL_TABLE", "t",
                "AWS_REGION", "us-east-1");
        assertThatThrownBy(() -> FlywheelConfig.from(aws).requireTrainingStateMachineArn())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FLYWHEEL_TRAINING_STATE_MACHINE_ARN").hasMessageContaining("TrainingStateMachineArn");
        var env = new java.util.HashMap<>(aws);
        env.put("FLYWHEEL_TRAINING_STATE_MACHINE_ARN", " arn:aws:states:us-east-1:1:stateMachine:t ");
        env.put("FLYWHEEL_DRIFT_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:1:stateMachine:d");
        FlywheelConfig config = FlywheelConfig.from(env);
        assertThat(config.requireTrainingStateMachineArn()).isEqualTo("arn:aws:states:us-east-1:1:stateMachine:t");
        assertThat(config.driftStateMachineArn()).isEqualTo("arn:aws:states:us-east-1:1:stateMachine:d");
    }

    @Test
    void awsRegion_defaultsToTheStateMachinesRegion_elseUsEast1_asTheReadmeSays() {
        Map<String, String> aws = Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_BUCKET", "b", "FLYWHEEL_TABLE", "t");
        assertThat(FlywheelConfig.from(aws).region()).isEqualTo("us-east-1");
        var env = new java.util.HashMap<>(aws);
        env.put("FLYWHEEL_DRIFT_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:d");
        assertThat(FlywheelConfig.from(env).region()).isEqualTo("eu-west-1");

        env.put("AWS_REGION", "us-east-2");
        assertThatThrownBy(() -> FlywheelConfig.from(env)).isInstanceOf(ConfigException.class)
                .hasMessage("FLYWHEEL_DRIFT_STATE_MACHINE_ARN is a state machine in eu-west-1, but AWS_REGION is "
                        + "us-east-2: set AWS_REGION to the stack's region (or leave it unset to use the ARN's)");
    }

    @Test
    void aStateMachineArnOfAnotherShape_isRefusedInAwsMode_namingTheVariable() {
        Map<String, String> aws = Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_BUCKET", "b", "FLYWHEEL_TABLE", "t",
                "FLYWHEEL_TRAINING_STATE_MACHINE_ARN", "garbage");
        assertThatThrownBy(() -> FlywheelConfig.from(aws)).isInstanceOf(ConfigException.class)
                .hasMessage("FLYWHEEL_TRAINING_STATE_MACHINE_ARN must be a state machine ARN, "
                        + "arn:aws:states:REGION:ACCOUNT:stateMachine:NAME (the stack output TrainingStateMachineArn), "
                        + "got 'garbage'");
        for (String wrong : new String[] {"arn:aws:states:us-east-1:123456789012:execution:t:x",
                "arn:aws:lambda:us-east-1:123456789012:function:t", "arn:aws:states:us-east-1:123456789012:stateMachine:"}) {
            assertThatThrownBy(() -> FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_BUCKET", "b",
                    "FLYWHEEL_TABLE", "t", "FLYWHEEL_DRIFT_STATE_MACHINE_ARN", wrong)))
                    .as(wrong).hasMessageStartingWith("FLYWHEEL_DRIFT_STATE_MACHINE_ARN must be a state machine ARN");
        }
        assertThat(FlywheelConfig.from(Map.of("FLYWHEEL_DRIFT_STATE_MACHINE_ARN",
                "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:flywheel-dev-drift-monitor"))
                .driftStateMachineArn()).endsWith("flywheel-dev-drift-monitor");
        assertThat(FlywheelConfig.from(Map.of("FLYWHEEL_TRAINING_STATE_MACHINE_ARN", "garbage")).mode())
                .as("local mode never reaches a state machine").isEqualTo(FlywheelConfig.Mode.LOCAL);
    }

    @Test
    void theStoresAreRequiredInAwsMode_namingTheStackOutput_exceptForStepFunctionsOnlyCommands() {
        assertThatThrownBy(() -> FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_BUCKET", "b")))
                .hasMessage("FLYWHEEL_TABLE must be set when FLYWHEEL_MODE=aws: the metadata table, the stack output "
                        + "MetadataTableName");
        FlywheelConfig config = FlywheelConfig.withoutStoresFromEnvironment(Map.of("FLYWHEEL_MODE", "aws",
                "FLYWHEEL_BUCKET", "", "FLYWHEEL_TABLE", "", "AWS_REGION", "",
                "FLYWHEEL_TRAINING_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:t"));
        assertThat(config.bucket()).isNull();
        assertThat(config.region()).isEqualTo("eu-west-1");
    }
}
