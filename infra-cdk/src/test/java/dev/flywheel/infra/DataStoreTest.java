package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataStoreTest {

    private Stack stack;
    private DataStore dataStore;
    private Template template;

    @BeforeAll
    void synthesize() {
        stack = new Stack(new App(), "DataStoreTest");
        dataStore = new DataStore(stack, "DataStore", DataStoreProps.builder()
                .tableDeletionProtection(false)
                .captureExpiration(Duration.days(180))
                .build());
        template = Template.fromStack(stack);
    }

    @Test
    void artifactBucket_isVersionedEncryptedPrivateAndRetained() {
        template.hasResource("AWS::S3::Bucket", Map.of(
                "Properties", Match.objectLike(Map.of(
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                                "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration", Map.of(
                                "BlockPublicAcls", true,
                                "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true,
                                "RestrictPublicBuckets", true))),
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
    }

    @Test
    void artifactBucket_writesServerAccessLogsToTheLogBucket() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LoggingConfiguration", Map.of(
                        "DestinationBucketName", stack.resolve(dataStore.accessLogBucket().getBucketName()),
                        "LogFilePrefix", "artifact-bucket/")));
        // delivered under a bucket policy, not the legacy LogDeliveryWrite ACL
        template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
                "Bucket", stack.resolve(dataStore.accessLogBucket().getBucketName()),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", "s3:PutObject",
                        "Principal", Map.of("Service", "logging.s3.amazonaws.com"))))))));
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("AccessControl", Match.absent()));
    }

    @Test
    void artifactBucket_movesAndExpiresCapturesOnly() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Prefix", "captures/",
                        "Status", "Enabled",
                        "ExpirationInDays", 180,
                        "Transitions", List.of(Map.of(
                                "StorageClass", "STANDARD_IA",
                                "TransitionInDays", 30)))))))));
        assertThat(lifecycleRules(TestFixtures.logicalId(stack, dataStore.artifactBucket())))
                .as("every rule that deletes current objects of the artifact bucket is scoped to captures/")
                .filteredOn(rule -> rule.containsKey("ExpirationInDays"))
                .isNotEmpty()
                .allSatisfy(rule -> assertThat(rule).containsEntry("Prefix", "captures/"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> lifecycleRules(String logicalId) {
        Map<String, Object> bucket = template.findResources("AWS::S3::Bucket").get(logicalId);
        Map<String, Object> properties = (Map<String, Object>) bucket.get("Properties");
        return (List<Map<String, Object>>) ((Map<String, Object>) properties.get("LifecycleConfiguration"))
                .get("Rules");
    }

    @Test
    void bothBuckets_denyRequestsWithoutTls() {
        Map<String, Map<String, Object>> policies = template.findResources("AWS::S3::BucketPolicy",
                Map.of("Properties", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of(
                                "Effect", "Deny",
                                "Action", "s3:*",
                                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
        assertThat(policies).hasSize(2);
        template.resourceCountIs("AWS::S3::Bucket", 2);
    }

    @Test
    void metadataTable_isOneOnDemandTableKeyedByPkAndSkWithPointInTimeRecovery() {
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "Properties", Map.of(
                        "KeySchema", List.of(
                                Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "AttributeDefinitions", List.of(
                                Map.of("AttributeName", "pk", "AttributeType", "S"),
                                Map.of("AttributeName", "sk", "AttributeType", "S")),
                        "BillingMode", "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "SSESpecification", Map.of("SSEEnabled", true),
                        "DeletionProtectionEnabled", false),
                "DeletionPolicy", "Retain"));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "GlobalSecondaryIndexes", Match.absent(),
                "LocalSecondaryIndexes", Match.absent()));
    }

    @Test
    void props_protectTheTableAndKeepCapturesAYearByDefault() {
        DataStoreProps defaults = DataStoreProps.builder().build();

        assertThat(defaults.tableDeletionProtection()).isTrue();
        assertThat(defaults.captureExpiration().toDays()).isEqualTo(365);
        assertThat(defaults.captureInfrequentAccessAfter().toDays()).isEqualTo(30);
    }

    @Test
    void props_rejectCapturesExpiringBeforeTheirTransition() {
        assertThatThrownBy(() -> DataStoreProps.builder().captureExpiration(Duration.days(20)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("captureExpiration (20 days)");
    }
}
