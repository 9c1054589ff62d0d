package dev.flywheel.store.aws;

import dev.flywheel.config.FlywheelConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SDK clients built once per container. The URL-connection HTTP client keeps the jars small and the cold start
 * short. With an emulator endpoint (LocalStack, moto) the clients use path-style S3 and test credentials.
 */
public record AwsClients(S3Client s3, DynamoDbClient dynamoDb) {

    public static AwsClients create(FlywheelConfig config) {
        Region region = Region.of(config.region());
        var s3 = S3Client.builder().region(region).httpClientBuilder(UrlConnectionHttpClient.builder());
        var dynamoDb = DynamoDbClient.builder().region(region).httpClientBuilder(UrlConnectionHttpClient.builder());
        if (config.endpointOverride().isPresent()) {
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            s3.endpointOverride(config.endpointOverride().get()).forcePathStyle(true).credentialsProvider(credentials);
            dynamoDb.endpointOverride(config.endpointOverride().get()).credentialsProvider(credentials);
        } else {
            s3.credentialsProvider(DefaultCredentialsProvider.builder().build());
            dynamoDb.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return new AwsClients(s3.build(), dynamoDb.build());
    }
}
