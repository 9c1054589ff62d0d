package dev.flywheel.store.aws;

import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTableContract;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The metadata table contract against DynamoDB's protocol (LocalStack or moto). */
@ExtendWith(AwsEmulatorExtension.class)
class DynamoDbMetadataTableIT extends MetadataTableContract {
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
