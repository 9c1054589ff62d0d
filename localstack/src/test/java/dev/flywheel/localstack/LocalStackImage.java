package dev.flywheel.localstack;

import dev.flywheel.testing.AwsEmulatorExtension;
import org.testcontainers.utility.DockerImageName;

/** The LocalStack image the tests run, the one docker-compose.yml pins (a test checks they agree). */
final class LocalStackImage {
    static final DockerImageName IMAGE = DockerImageName.parse(AwsEmulatorExtension.LOCALSTACK_IMAGE);

    private LocalStackImage() {
    }
}
