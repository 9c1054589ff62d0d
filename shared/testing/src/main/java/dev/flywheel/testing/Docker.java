package dev.flywheel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a Docker engine could be there, decided without asking Testcontainers: its own probe logs an ERROR line
 * with a stack of strategies when there is none, which reads like a failure on machines that simply have no
 * Docker. Only when a socket or DOCKER_HOST exists is Testcontainers asked.
 */
public final class Docker {
    private Docker() {
    }

    /** Why there is certainly no Docker engine here, or empty when there may be one. */
    public static Optional<String> unavailableReason() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return Optional.empty();
        }
        Path home = Path.of(System.getProperty("user.home"));
        for (Path socket : new Path[]{Path.of("/var/run/docker.sock"), home.resolve(".docker/run/docker.sock"),
                home.resolve(".testcontainers.properties")}) {
            if (Files.exists(socket)) {
                return Optional.empty();
            }
        }
        return Optional.of("no Docker engine (no DOCKER_HOST, no /var/run/docker.sock)");
    }
}
