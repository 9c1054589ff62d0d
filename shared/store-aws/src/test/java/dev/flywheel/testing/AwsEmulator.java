package dev.flywheel.testing;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import java.net.URI;
import java.util.Map;

/**
 * A running AWS emulator that speaks the real S3 and DynamoDB protocols: LocalStack (Testcontainers) where a
 * Docker engine exists, otherwise a moto server on a random loopback port.
 *
 * @param kind "localstack" or "moto"
 */
public record AwsEmulator(URI endpoint, String kind) {

    /** Config for the AWS adapters pointed at this emulator. */
    public FlywheelConfig config(String bucket, String table) {
        return FlywheelConfig.from(Map.of(
                FlywheelConfig.MODE, "aws",
                FlywheelConfig.BUCKET, bucket,
                FlywheelConfig.TABLE, table,
                FlywheelConfig.REGION, "us-east-1",
                FlywheelConfig.ENDPOINT, endpoint.toString()));
    }

    public AwsClients clients() {
        return AwsClients.create(config("unused", "unused"));
    }

    /** A new, empty metadata table with a unique name, created through {@code dynamoDb}. */
    public static DynamoDbMetadataTable newMetadataTable(DynamoDbClient dynamoDb) {
        DynamoDbMetadataTable table = new DynamoDbMetadataTable(dynamoDb, "flywheel-" + UUID.randomUUID());
        table.createTableIfMissing();
        return table;
    }
}
