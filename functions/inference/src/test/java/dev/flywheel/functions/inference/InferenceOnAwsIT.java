package dev.flywheel.functions.inference;

import static dev.flywheel.functions.inference.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.MlTask;
import dev.flywheel.json.Json;
import dev.flywheel.serving.online.CaptureLog;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference function configured as on AWS: the champion resolved in DynamoDB and loaded from S3, captures and
 * feedback written to S3 and joined back, through the real protocols (moto's server, or LocalStack).
 */
@ExtendWith(AwsEmulatorExtension.class)
class InferenceOnAwsIT {
    @TempDir
    Path uploads;

    @Test
    void predictCaptureAndFeedback_onS3AndDynamoDb(AwsEmulator emulator) {
        String bucket = "flywheel-" + UUID.randomUUID();
        String table = "flywheel-" + UUID.randomUUID();
        FlywheelConfig config = emulator.config(bucket, table);
        AwsClients clients = AwsClients.create(config);
        clients.s3().createBucket(b -> b.bucket(bucket));
        new DynamoDbMetadataTable(clients.dynamoDb(), table).createTableIfMissing();
        try (ServedModelFixture fixture = ServedModelFixture.train(AwsStores.open(config, Clock.systemUTC()), uploads,
                "aws-model", MlTask.BINARY, 1)) {
            InferenceHandler handler = new InferenceHandler(new InferenceService(fixture.stores, Clock.systemUTC(),
                    ServingConfig.defaults().withModel("aws-model").withCapture(1.0, 3, 60)), null);
            try {
                handler.api().service().prime();
                Instant start = Instant.now().minusSeconds(1);
                ApiCalls.Response r = post(handler, "/models/aws-model/predict",
                        fixture.instancesJson(fixture.jsonRows().subList(0, 4)));
                assertThat(r.status()).as(r.rawBody()).isEqualTo(200);
                assertThat(r.body().path("predictions")).hasSize(4);
                String requestId = r.body().path("requestId").asText();
                String label = fixture.features.classes().get(1);
                assertThat(post(handler, "/models/aws-model/feedback", Json.write(Map.of("requestId", requestId,
                        "index", 3, "label", label))).status()).isEqualTo(202);
                handler.api().service().captures().flush();

                assertThat(clients.s3().listObjectsV2(b -> b.bucket(bucket).prefix("captures/aws-model/")).contents())
                        .hasSize(2);
                List<String> joined = new ArrayList<>();
                new CaptureLog(fixture.stores.artifacts()).joined("aws-model", start, Instant.now().plusSeconds(1),
                        Instant.now().plusSeconds(1), (capture, truth) -> joined.add(capture.index() + "="
                                + (truth == null ? "-" : truth.label())));
                assertThat(joined).containsExactlyInAnyOrder("0=-", "1=-", "2=-", "3=" + label);
            } finally {
                handler.api().service().close();
            }
        }
    }
}
