package dev.flywheel.store;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import dev.flywheel.store.aws.S3ArtifactStore;
import dev.flywheel.store.local.LocalArtifactStore;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.time.Clock;

/** The artifact store and the registries, built from config: a local folder, or S3 and DynamoDB. */
public record Stores(ArtifactStore artifacts, Registries registries) implements AutoCloseable {

    public static Stores open(FlywheelConfig config, Clock clock) {
        if (config.mode() == FlywheelConfig.Mode.LOCAL) {
            return new Stores(LocalArtifactStore.open(config.home().resolve("artifacts")),
                    Registries.over(SqliteMetadataTable.open(config.home().resolve("metadata.db")), clock));
        }
        AwsClients clients = AwsClients.create(config);
        return new Stores(new S3ArtifactStore(clients.s3(), config.bucket(), config.artifactPrefix()),
                Registries.over(new DynamoDbMetadataTable(clients.dynamoDb(), config.table()), clock));
    }

    @Override
    public void close() {
        registries.close();
    }
}
