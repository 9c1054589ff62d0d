package dev.flywheel.store.aws;

import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.MetadataStoreException;
import dev.flywheel.store.MetadataTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The metadata port on one DynamoDB table with a string partition key {@code pk} and sort key {@code sk};
 * items carry {@code rev} (number) and {@code body} (JSON string). Reads are strongly consistent; multi-item
 * writes are {@code TransactWriteItems}. Keys and access patterns: {@code docs/dynamodb.md}.
 */
public final class DynamoDbMetadataTable implements MetadataTable {
    static final String PK = "pk";
    static final String SK = "sk";
    static final String REV = "rev";
    static final String BODY = "body";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbMetadataTable(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public void checkAvailable() {
        try {
            dynamoDb.describeTable(b -> b.tableName(tableName));
        } catch (ResourceNotFoundException e) {
            throw new MetadataStoreException("the DynamoDB table '" + tableName + "' does not exist in "
                    + where() + ": deploy Flywheel there (`cdk deploy`, see docs/deploy.md) or set FLYWHEEL_TABLE to "
                    + "the table of a deployed stack", e);
        } catch (SdkException e) {
            throw new MetadataStoreException("cannot reach the DynamoDB table '" + tableName + "' in " + where()
                    + ": " + firstLine(e.getMessage()) + " (check AWS_REGION, credentials and FLYWHEEL_AWS_ENDPOINT)",
                    e);
        }
    }

    private String where() {
        return dynamoDb.serviceClientConfiguration().region() + dynamoDb.serviceClientConfiguration()
                .endpointOverride().map(uri -> " at " + uri).orElse("");
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Creates the table (on-demand billing) if it does not exist: for emulators and first local runs. */
    public void createTableIfMissing() {
        try {
            dynamoDb.createTable(b -> b.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(SK).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build()));
            dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        } catch (ResourceInUseException e) {
            // exists already
        }
    }

    @Override
    public Optional<Item> get(String pk, String sk) {
        try {
            var response = dynamoDb.getItem(b -> b.tableName(tableName).key(key(pk, sk)).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? Optional.of(item(response.item())) : Optional.empty();
        } catch (SdkException e) {
            throw failure("get", e);
        }
    }

    @Override
    public List<Item> query(String pk, String skPrefix, boolean descending, int limit) {
        Map<String, String> names = Map.of("#pk", PK, "#sk", SK);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(pk));
        String condition = "#pk = :pk";
        if (!skPrefix.isEmpty()) {
            condition += " AND begins_with(#sk, :prefix)";
            values.put(":prefix", s(skPrefix));
        }
        List<Item> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder request = QueryRequest.builder().tableName(tableName)
                        .keyConditionExpression(condition)
                        .expressionAttributeNames(skPrefix.isEmpty() ? Map.of("#pk", PK) : names)
                        .expressionAttributeValues(values)
                        .scanIndexForward(!descending)
                        .consistentRead(true)
                        .exclusiveStartKey(start);
                if (limit > 0) {
                    request.limit(limit - items.size());
                }
                QueryResponse response = dynamoDb.query(request.build());
                response.items().forEach(i -> items.add(item(i)));
                start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                        ? response.lastEvaluatedKey() : null;
            } while (start != null && (limit == 0 || items.size() < limit));
        } catch (SdkException e) {
            throw failure("query", e);
        }
        return items;
    }

    @Override
    public void write(List<Write> writes) {
        MetadataTable.checkWrites(writes);
        List<TransactWriteItem> items = writes.stream().map(this::transactItem).toList();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && e.cancellationReasons().stream().map(CancellationReason::code)
                    .anyMatch(code -> "ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code))) {
                throw new ConditionFailedException("a condition of the write failed or another transaction "
                        + "touched the same items: " + e.cancellationReasons(), e);
            }
            throw failure("write", e);
        } catch (ConditionalCheckFailedException e) {
            throw new ConditionFailedException("condition failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failure("write", e);
        }
    }

    private TransactWriteItem transactItem(Write write) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = condition(write.condition(), names, values);
        if (write instanceof Put put && !(put.condition() instanceof Condition.Any)) {
            // The next revision is known: write the whole item at once.
            long revision = put.condition() instanceof Condition.AtRevision at ? at.expected() + 1 : 1;
            Map<String, AttributeValue> item = new HashMap<>(key(put.pk(), put.sk()));
            item.put(REV, n(revision));
            item.put(BODY, s(put.body()));
            return TransactWriteItem.builder().put(p -> p.tableName(tableName)
                    .item(item)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values.isEmpty() ? null : values)).build();
        }
        if (write instanceof Put put) {
            names.put("#rev", REV);
            names.put("#body", BODY);
            values.put(":body", s(put.body()));
            values.put(":one", n(1));
            values.put(":zero", n(0));
            return TransactWriteItem.builder().update(u -> u.tableName(tableName)
                    .key(key(put.pk(), put.sk()))
                    .updateExpression("SET #body = :body, #rev = if_not_exists(#rev, :zero) + :one")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)).build();
        }
        if (write instanceof Delete delete) {
            return TransactWriteItem.builder().delete(d -> d.tableName(tableName)
                    .key(key(delete.pk(), delete.sk()))
                    .conditionExpression(condition)
                    .expressionAttributeNames(names.isEmpty() ? null : names)
                    .expressionAttributeValues(values.isEmpty() ? null : values)).build();
        }
        if (condition == null) {
            throw new IllegalArgumentException("a Check needs a condition other than ANY");
        }
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                .key(key(write.pk(), write.sk()))
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values).build()).build();
    }

    /** The condition expression for {@code condition}, or null for ANY. */
    private static String condition(Condition condition, Map<String, String> names, Map<String, AttributeValue> values) {
        if (condition instanceof Condition.Any) {
            return null;
        }
        names.put("#pk", PK);
        if (condition instanceof Condition.Absent) {
            return "attribute_not_exists(#pk)";
        }
        names.put("#rev", REV);
        values.put(":expected", n(((Condition.AtRevision) condition).expected()));
        return "attribute_exists(#pk) AND #rev = :expected";
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    private static Item item(Map<String, AttributeValue> attributes) {
        return new Item(attributes.get(PK).s(), attributes.get(SK).s(), Long.parseLong(attributes.get(REV).n()),
                attributes.get(BODY).s());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private MetadataStoreException failure(String operation, SdkException e) {
        return new MetadataStoreException("DynamoDB " + operation + " on table " + tableName + " failed: "
                + e.getMessage(), e);
    }

    @Override
    public void close() {
        dynamoDb.close();
    }
}
