package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole training pipeline with Flywheel configured as on AWS ({@code FLYWHEEL_MODE=aws}): every artifact goes
 * to S3 and every registry write to DynamoDB, through the real protocols (LocalStack or moto).
 */
@ExtendWith(AwsEmulatorExtension.class)
class PipelineOnAwsAdaptersIT {

    @Test
    void trainingPipeline_onS3AndDynamoDb_registersAndPromotesWithLineage(AwsEmulator emulator) {
        String bucket = "flywheel-" + UUID.randomUUID();
        String table = "flywheel-" + UUID.randomUUID();
        FlywheelConfig config = emulator.config(bucket, table);
        AwsClients clients = AwsClients.create(config);
        clients.s3().createBucket(b -> b.bucket(bucket));
        new DynamoDbMetadataTable(clients.dynamoDb(), table).createTableIfMissing();
        var request = new PipelineRunner.Request(PipelineRunCommandTest.CREDIT_G, "class", "credit-risk", List.of(),
                List.of(), List.of(), null, 2, false, 42);

        try (Workspace workspace = Workspace.open(config)) {
            ExecutionResult result = PipelineRunner.run(workspace, request, ExecutionListener.none());

            assertThat(result.status()).as(result.error() + ": " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.output().path("promoted").asBoolean()).isTrue();
            ModelVersion champion = workspace.stores().registries().models().resolve("credit-risk", "champion");
            assertThat(champion.artifactUri()).startsWith("s3://" + bucket + "/models/credit-risk/");
            assertThat(champion.lineage().datasetName()).isEqualTo("credit-g");
            assertThat(champion.metrics().get("auc")).isGreaterThanOrEqualTo(0.75);
            var keys = workspace.stores().artifacts().list("");
            assertThat(keys).anyMatch(k -> k.startsWith("datasets/credit-g/"))
                    .anyMatch(k -> k.startsWith("features/") && k.endsWith("manifest.json"))
                    .anyMatch(k -> k.endsWith("model.zip"));
            assertThat(workspace.stores().registries().executions().get(result.executionId()).events())
                    .extracting(e -> e.type()).contains("MapIterationSucceeded", "ExecutionSucceeded");
            assertThat(workspace.stores().registries().runs().list("credit-risk", 0)).hasSize(2);
        }
    }
}
