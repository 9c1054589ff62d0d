package dev.flywheel.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The tests and docker-compose.yml run the same LocalStack: a user's compose file must match what was tested. */
class LocalStackImageTest {
    @Test
    void composeFilePinsTheImageTheTestsRun() throws IOException {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        assertThat(compose).contains("image: " + LocalStackImage.IMAGE.asCanonicalNameString());
    }
}
