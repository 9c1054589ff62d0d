package dev.flywheel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts one AWS emulator per test JVM and injects it as an {@link AwsEmulator} parameter.
 *
 * <p>LocalStack via Testcontainers where a Docker engine answers; otherwise moto's server on a random 127.0.0.1
 * port, started through {@code moto_serial_server.py} (beside this class), which lets one request at a time into
 * moto: {@code python -m moto.server} answers on many threads, and its DynamoDB transactions are not atomic then
 * (a failed condition restores a snapshot of the whole table, wiping other threads' commits), which made the race
 * tests fail about half the time although the adapter is right for DynamoDB. The interpreter comes from the
 * {@code FLYWHEEL_MOTO_PYTHON} variable, else the {@code flywheel.moto.python} system property, else
 * {@code python3}. Where neither can start, the tests are skipped with the reason, unless
 * {@code FLYWHEEL_REQUIRE_AWS_EMULATOR=1}: then the missing emulator fails the build, as on CI.
 */
public final class AwsEmulatorExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AwsEmulatorExtension.class);
    /** The LocalStack image every test runs (localstack/docker-compose.yml pins the same; a test checks). */
    public static final String LOCALSTACK_IMAGE = "localstack/localstack:3.8.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AwsEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulator(context);
    }

    private static AwsEmulator emulator(ExtensionContext context) {
        Running running = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, key -> start(), Running.class);
        if (running.emulator() == null) {
            if ("1".equals(System.getenv("FLYWHEEL_REQUIRE_AWS_EMULATOR"))) {
                throw new ExtensionConfigurationException("FLYWHEEL_REQUIRE_AWS_EMULATOR=1 but no AWS emulator "
                        + "could start: " + running.whyNot());
            }
            Assumptions.abort("skipped: no AWS emulator (" + running.whyNot() + ")");
        }
        return running.emulator();
    }

    private static Running start() {
        String dockerProblem = Docker.unavailableReason().orElse(null);
        if (dockerProblem != null) {
            return startMoto(dockerProblem);
        }
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                LocalStackContainer localStack = new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE))
                        .withServices(LocalStackContainer.Service.S3, LocalStackContainer.Service.DYNAMODB);
                localStack.start();
                return new Running(new AwsEmulator(localStack.getEndpoint(), "localstack"), null, localStack::stop);
            }
            dockerProblem = "no Docker engine for LocalStack";
        } catch (RuntimeException e) {
            dockerProblem = "LocalStack did not start: " + e.getMessage();
        }
        return startMoto(dockerProblem);
    }

    private static Running startMoto(String dockerProblem) {
        String python = firstSet(System.getenv("FLYWHEEL_MOTO_PYTHON"), System.getProperty("flywheel.moto.python"),
                "python3");
        Process process = null;
        try {
            int port = freePort();
            Path log = Files.createTempFile("moto-server-", ".log");
            Path launcher = launcher();
            ProcessBuilder builder = new ProcessBuilder(List.of(python, launcher.toString(), "127.0.0.1",
                    Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("MOTO_PORT", Integer.toString(port));
            process = builder.start();
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!listening(port)) {
                if (!process.isAlive()) {
                    return new Running(null, dockerProblem + "; moto server exited: "
                            + tail(log) + " (is moto installed for " + python + "? try: " + python
                            + " -c 'import moto')", () -> { });
                }
                if (Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    return new Running(null, dockerProblem + "; moto server did not listen within "
                            + START_TIMEOUT.toSeconds() + " s: " + tail(log), () -> { });
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            Process started = process;
            return new Running(new AwsEmulator(URI.create("http://127.0.0.1:" + port), "moto"), null, () -> {
                started.destroy();
                if (!started.waitFor(10, TimeUnit.SECONDS)) {
                    started.destroyForcibly();
                }
            });
        } catch (IOException e) {
            return new Running(null, dockerProblem + "; cannot run '" + python + "': " + e.getMessage(), () -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
            return new Running(null, "interrupted while starting moto", () -> { });
        }
    }

    /** Copies the launcher script out of the test classpath (it may be inside a jar) into a temporary file. */
    private static Path launcher() throws IOException {
        try (InputStream in = AwsEmulatorExtension.class.getResourceAsStream("moto_serial_server.py")) {
            if (in == null) {
                throw new IOException("moto_serial_server.py is not on the test classpath");
            }
            Path script = Files.createTempFile("moto-serial-server-", ".py");
            Files.write(script, in.readAllBytes());
            script.toFile().deleteOnExit();
            return script;
        }
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalArgumentException("no value");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try (InputStream in = Files.newInputStream(log)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.length() > 500 ? "..." + text.substring(text.length() - 500) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private interface Stopper {
        void stop() throws Exception;
    }

    /** The emulator, or why there is none; stopped when the test JVM's root context closes. */
    private record Running(AwsEmulator emulator, String whyNot, Stopper stopper)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            stopper.stop();
        }
    }
}
