package dev.flywheel.store.aws;

import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.ArtifactStoreContract;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/** The artifact store contract against S3's protocol (LocalStack or moto). */
@ExtendWith(AwsEmulatorExtension.class)
class S3ArtifactStoreIT extends ArtifactStoreContract {
    private static final long MULTIPART_THRESHOLD = 1024 * 1024;
    private static S3Client s3;

    @BeforeAll
    static void connect(AwsEmulator emulator) {
        s3 = emulator.clients().s3();
    }

    @Override
    protected ArtifactStore store() {
        String bucket = "flywheel-" + UUID.randomUUID();
        s3.createBucket(b -> b.bucket(bucket));
        return new S3ArtifactStore(s3, bucket, "team-a", MULTIPART_THRESHOLD);
    }

    /** Three 8 MiB parts and a short last one: the multipart path with S3's 5 MiB minimum part size. */
    @Override
    protected long largeObjectSize() {
        return 3L * S3ArtifactStore.PART_SIZE + 12_345;
    }
}
