package dev.flywheel.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one folder where this process keeps its temporary files ({@code <java.io.tmpdir>/flywheel-<pid>-<start>/}),
 * instead of files scattered in the system temp folder: removed when the JVM exits (normally, on SIGTERM/SIGINT,
 * after an OutOfMemoryError), and the folders of processes that died without exiting ({@code kill -9}, a Lambda
 * timeout) are swept the next time a Flywheel process starts one. On Lambda this lives in /tmp.
 */
public final class ScratchFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchFolder.class);
    private static final String PREFIX = "flywheel-";
    private static final Pattern NAME = Pattern.compile("flywheel-(\\d+)-(\\d+)");
    /** The system temp folder as the JVM started with it: {@link #adoptSystemTemp} moves the property, not this. */
    private static final Path SYSTEM_TEMP = Path.of(System.getProperty("java.io.tmpdir"));
    private static volatile Path folder;

    private ScratchFolder() {
    }

    /** This process's folder, created (and the dead processes' folders swept) on first use. */
    public static Path get() {
        Path f = folder;
        if (f == null) {
            synchronized (ScratchFolder.class) {
                f = folder;
                if (f == null) {
                    f = create(SYSTEM_TEMP);
                    folder = f;
                }
            }
        }
        return f;
    }

    /**
     * Points the JVM's temp folder (and SQLite's, which extracts its native library) at this process's folder, so
     * that what libraries write there (xgboost4j and SQLite extract their native libraries, about 17 MB, to temp
     * files) goes with the folder when the process ends or is swept. Call it first thing in {@code main}: the JVM
     * reads {@code java.io.tmpdir} once, on its first temp file. Sweeping and caches meant to outlive the process
     * ({@link #systemTemp}) keep using the system temp folder. Returns the folder.
     */
    public static Path adoptSystemTemp() {
        Path f = get();
        System.setProperty("org.sqlite.tmpdir", f.toString());
        System.setProperty("java.io.tmpdir", f.toString());
        return f;
    }

    /** The system temp folder, for caches meant to outlive this process (DJL's engine cache). */
    public static Path systemTemp() {
        return SYSTEM_TEMP;
    }

    /** A new empty file in this process's folder. */
    public static Path createFile(String prefix, String suffix) {
        try {
            return Files.createTempFile(get(), prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + folder, e);
        }
    }

    /** A new empty folder in this process's folder. */
    public static Path createDirectory(String prefix) {
        try {
            return Files.createTempDirectory(get(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder in " + folder, e);
        }
    }

    /** Deletes a file or folder tree quietly: a leftover is swept with the folder anyway. */
    public static void delete(Path path) {
        if (path == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // already gone, or swept with the folder later
        }
    }

    private static Path create(Path root) {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
        sweep(root);
        Path f = root.resolve(PREFIX + self.pid() + "-" + started);
        try {
            Files.createDirectories(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the scratch folder " + f, e);
        }
        Path created = f;
        // An exit action, not a shutdown hook of its own: the JVM runs its hooks all at once, and deleting the folder
        // while the work's exit actions still record it (or while the work, still running, loads a native library
        // from here) left an interrupted execution RUNNING. Registered before any work and never closed, it runs
        // last, after the work's own actions.
        ExitActions.register("the scratch folder " + created, () -> delete(created));
        return f;
    }

    /**
     * Deletes the folders that processes which are gone left behind; the CLI calls it when it starts, so that a
     * killed process's files do not wait until the next process needs a temporary file.
     *
     * @return how many folders were deleted
     */
    public static int sweepAbandoned() {
        return sweep(SYSTEM_TEMP);
    }

    /** Deletes the folders of Flywheel processes that are gone (or whose pid now belongs to another process). */
    static int sweep(Path root) {
        int swept = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher m = NAME.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isDirectory(entry) && !alive(Long.parseLong(m.group(1)),
                        Long.parseLong(m.group(2)))) {
                    delete(entry);
                    swept++;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("scratch sweep skipped [root={}, reason={}]", root, e.getMessage());
        }
        return swept;
    }

    private static boolean alive(long pid, long startedMillis) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        // A pid can be reused: the process must also have started when the folder's name says.
        return process.get().info().startInstant().map(s -> Math.abs(s.toEpochMilli() - startedMillis) < 1000)
                .orElse(true);
    }
}
