package dev.flywheel.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** moto's server (S3 and DynamoDB over their real protocols) on a free 127.0.0.1 port, stopped on close. */
final class MotoServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    URI endpoint() {
        return endpoint;
    }

    static MotoServer start(String python, Path log) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process process;
        try {
            process = new ProcessBuilder(List.of(python, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                    Integer.toString(port))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + python + "' for the moto server: " + e.getMessage()
                    + " (set --python or FLYWHEEL_MOTO_PYTHON to an interpreter with moto installed)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the moto server exited: " + tail(log) + " (is moto installed? try: "
                        + python + " -c 'import moto')");
            }
            if (System.nanoTime() > deadline) {
                stop(process);
                throw new IllegalStateException("the moto server did not listen within "
                        + START_TIMEOUT.toSeconds() + " s: " + tail(log));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new MotoServer(process, URI.create("http://127.0.0.1:" + port));
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
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
        try {
            String text = Files.readString(log).strip();
            return text.length() > 500 ? "..." + text.substring(text.length() - 500) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
