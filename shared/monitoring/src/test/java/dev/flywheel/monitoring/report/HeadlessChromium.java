package dev.flywheel.monitoring.report;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's Chromium headless, one process per call, with a fresh profile and the flags that keep it off the
 * network (without them it hangs on a closed network). A call that outlives its timeout has its whole process tree
 * killed and fails. Console messages come from Chromium's own log ({@code --enable-logging=stderr --v=0}): every
 * {@code console.*} call and every uncaught exception is logged there as a {@code CONSOLE} line.
 */
final class HeadlessChromium {
    static final String SKIP = "no headless Chromium: install Debian's chromium package (apt-get install chromium) "
            + "or set FLYWHEEL_CHROMIUM; .ci/run installs it when it can";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[:(]|Uncaught ");

    /** What one run printed: the page's console messages (any level) and stdout (the DOM for --dump-dom). */
    record Run(String stdout, List<String> console) {
    }

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /**
     * The browser, or the test aborted (skipped) when there is none; with {@code CI=true} and
     * {@code FLYWHEEL_REQUIRE_BROWSER=1} a missing browser fails instead.
     */
    static HeadlessChromium require() {
        return require(find(System.getenv(), Path.of("/usr/bin/chromium")), System.getenv());
    }

    static HeadlessChromium require(Optional<Path> found, Map<String, String> env) {
        if (found.isPresent()) {
            return new HeadlessChromium(found.get());
        }
        if ("true".equals(env.get("CI")) && "1".equals(env.get("FLYWHEEL_REQUIRE_BROWSER"))) {
            return Assertions.fail("CI=true and FLYWHEEL_REQUIRE_BROWSER=1, but " + SKIP);
        }
        Assumptions.abort(SKIP);
        return null; // not reached
    }

    /** FLYWHEEL_CHROMIUM, else Debian's binary, else {@code chromium} on the PATH: the first that is executable. */
    static Optional<Path> find(Map<String, String> env, Path debian) {
        List<Path> candidates = new ArrayList<>();
        String configured = env.get("FLYWHEEL_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(debian);
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** Loads the page, returns its DOM after load and the console messages it caused. */
    Run dumpDom(Path page) {
        return run("--enable-logging=stderr", "--v=0", "--dump-dom", page.toUri().toString());
    }

    /** A screenshot of the page's first {@code width × height} pixels, as a PNG. */
    Run screenshot(Path page, Path png, int width, int height) {
        return run("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", page.toUri().toString());
    }

    private Run run(String... args) {
        Path work = null;
        try {
            work = Files.createTempDirectory("flywheel-chromium");
            Path profile = Files.createDirectory(work.resolve("profile"));
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
            command.addAll(List.of(args));
            Path out = work.resolve("stdout");
            Path err = work.resolve("stderr");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                killTree(process);
                return Assertions.fail("chromium did not finish within " + TIMEOUT.toSeconds() + " s (killed): "
                        + command + "\n" + tail(err));
            }
            if (process.exitValue() != 0) {
                return Assertions.fail("chromium exited with " + process.exitValue() + ": " + command + "\n"
                        + tail(err));
            }
            List<String> console = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                    .filter(line -> CONSOLE.matcher(line).find()).toList();
            return new Run(Files.readString(out, StandardCharsets.UTF_8), console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while chromium ran", e);
        } finally {
            deleteQuietly(work);
        }
    }

    private static void killTree(Process process) throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static String tail(Path err) throws IOException {
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary profile is harmless
        }
    }
}
