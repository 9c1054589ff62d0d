package dev.flywheel.infra;

import java.util.List;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * Where Flywheel keeps its state: the artifact bucket (datasets, features, models, captures, reports) and the
 * single-table DynamoDB metadata store ({@code pk}/{@code sk}; the application writes its own adjacency and index
 * items, so the table has no secondary index). Both are retained when the stack is deleted.
 */
public final class DataStore extends Construct {

    /** Key prefix of captured inference requests, which expire (see {@link DataStoreProps#captureExpiration()}). */
    public static final String CAPTURES_PREFIX = "captures/";

    private final Bucket artifactBucket;
    private final Bucket accessLogBucket;
    private final Table metadataTable;

    public DataStore(Construct scope, String id, DataStoreProps props) {
        super(scope, id);
        // Server access logs are delivered under a bucket policy, not the legacy LogDeliveryWrite ACL, whatever
        // the app's feature flags say; this must be set before any child construct exists.
        getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

        accessLogBucket = Bucket.Builder.create(this, "AccessLogBucket")
                .encryption(BucketEncryption.S3_MANAGED) // log delivery supports SSE-S3 only
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(props.accessLogExpiration())
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        artifactBucket = Bucket.Builder.create(this, "ArtifactBucket")
                .versioned(true)
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .serverAccessLogsBucket(accessLogBucket)
                .serverAccessLogsPrefix("artifact-bucket/")
                .lifecycleRules(List.of(
                        LifecycleRule.builder()
                                .id("expire-captures")
                                .prefix(CAPTURES_PREFIX)
                                .transitions(List.of(Transition.builder()
                                        .storageClass(StorageClass.INFREQUENT_ACCESS)
                                        .transitionAfter(props.captureInfrequentAccessAfter())
                                        .build()))
                                .expiration(props.captureExpiration())
                                .noncurrentVersionExpiration(Duration.days(1))
                                .build(),
                        LifecycleRule.builder()
                                .id("abort-incomplete-multipart-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                                .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        metadataTable = Table.Builder.create(this, "MetadataTable")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .encryption(TableEncryption.AWS_MANAGED)
                .deletionProtection(props.tableDeletionProtection())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        // No cdk-nag suppression needed for the log bucket's own access logs: AwsSolutions-S1 accepts a bucket
        // that is the destination of server access logs.
    }

    public IBucket artifactBucket() {
        return artifactBucket;
    }

    public IBucket accessLogBucket() {
        return accessLogBucket;
    }

    public ITable metadataTable() {
        return metadataTable;
    }
}
