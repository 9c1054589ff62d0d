package dev.flywheel.store.aws;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.Stores;
import java.time.Clock;

/** Stores on AWS: artifacts in the configured S3 bucket (under its prefix), metadata in the DynamoDB table. */
public final class AwsStores {
    private AwsStores() {
    }

    public static Stores open(FlywheelConfig config, Clock clock) {
        AwsClients clients = AwsClients.create(config);
        return new Stores(new S3ArtifactStore(clients.s3(), config.bucket(), config.artifactPrefix()),
                Registries.over(new DynamoDbMetadataTable(clients.dynamoDb(), config.table()), clock));
    }
}
