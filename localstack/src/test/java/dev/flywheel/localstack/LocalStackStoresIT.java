package dev.flywheel.localstack;

import dev.flywheel.store.aws.AwsStores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import dev.flywheel.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import dev.flywheel.testing.RequiresDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.localstack.LocalStackContainer;

/**
 * Flywheel's stores, configured as a deployed function configures them (FLYWHEEL_MODE=aws), against LocalStack.
 * Runs only where a Docker engine exists; elsewhere it is skipped with the reason printed once.
 */
@ExtendWith(RequiresDocker.class)
class LocalStackStoresIT {
    static LocalStackContainer LOCALSTACK;

    @BeforeAll
    static void start() {
        LOCALSTACK = new LocalStackContainer(LocalStackImage.IMAGE)
                .withServices(LocalStackContainer.Service.S3, LocalStackContainer.Service.DYNAMODB);
        LOCALSTACK.start();
    }

    @AfterAll
    static void stop() {
        if (LOCALSTACK != null) {
            LOCALSTACK.stop();
        }
    }

    @Test
    void stores_fromAwsConfig_registerAndStoreAgainstLocalStack() throws Exception {
        FlywheelConfig config = FlywheelConfig.from(Map.of("FLYWHEEL_MODE", "aws", "FLYWHEEL_BUCKET", "artifacts",
                "FLYWHEEL_TABLE", "metadata", "AWS_REGION", LOCALSTACK.getRegion(),
                "FLYWHEEL_AWS_ENDPOINT", LOCALSTACK.getEndpoint().toString()));
        AwsClients clients = AwsClients.create(config);
        clients.s3().createBucket(b -> b.bucket("artifacts"));
        new DynamoDbMetadataTable(clients.dynamoDb(), "metadata").createTableIfMissing();

        try (Stores stores = AwsStores.open(config, Clock.systemUTC())) {
            var stored = stores.artifacts().put("models/m/run-1/package.zip",
                    new ByteArrayInputStream("model".getBytes(StandardCharsets.UTF_8)));
            assertThat(stored.uri()).isEqualTo("s3://artifacts/models/m/run-1/package.zip");
            assertThat(stores.registries().models().register(Fixtures.model("m", "run-1")).version()).isEqualTo(1);
            assertThat(stores.registries().models().register(Fixtures.model("m", "run-2")).version()).isEqualTo(2);
        }
    }
}
