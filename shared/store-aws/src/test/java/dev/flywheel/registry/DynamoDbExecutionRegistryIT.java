package dev.flywheel.registry;

import dev.flywheel.store.MetadataTable;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Execution histories over DynamoDB's protocol (LocalStack or moto). Both refuse an item over 400 KB ("Item size has
 * exceeded the maximum allowed size"), so the large-payload cases fail here if any item the registry writes is too
 * big, besides the size the contract computes itself.
 */
@ExtendWith(AwsEmulatorExtension.class)
class DynamoDbExecutionRegistryIT extends ExecutionRegistryContract {
    private static DynamoDbClient dynamoDb;

    @BeforeAll
    static void connect(AwsEmulator emulator) {
        dynamoDb = emulator.clients().dynamoDb();
    }

    @Override
    protected MetadataTable table() {
        return AwsEmulator.newMetadataTable(dynamoDb);
    }
}
