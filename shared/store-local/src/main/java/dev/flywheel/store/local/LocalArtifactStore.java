package dev.flywheel.store.local;

import dev.flywheel.store.ArtifactKeys;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Artifacts in a local folder. A write goes to a temporary file in the same file system, is forced to disk,
 * then renamed into place atomically, so a reader sees a whole object or none and a crash leaves only a
 * temporary file (removed the next time a store opens the folder).
 */
public final class LocalArtifactStore implements ArtifactStore {
    private static final String TEMP_DIR = ".tmp";
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    private final Path root;
    private final Path temp;

    private LocalArtifactStore(Path root) {
        this.root = root;
        this.temp = root.resolve(TEMP_DIR);
    }

    public static LocalArtifactStore open(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.resolve(TEMP_DIR));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact folder " + absolute, e);
        }
        LocalArtifactStore store = new LocalArtifactStore(absolute);
        store.removeStaleTempFiles();
        return store;
    }

    public Path root() {
        return root;
    }

    @Override
    public StoredArtifact put(String key, InputStream content) {
        Path target = path(key);
        Path tmp = null;
        try {
            tmp = newTempFile();
            Hashing.Digested digested = writeTemp(tmp, content);
            Files.createDirectories(target.getParent());
            moveAtomically(tmp, target, true);
            return new StoredArtifact(key, uri(key), digested.sizeBytes(), digested.sha256());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact '" + key + "'", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public StoredArtifact putContentAddressed(String prefix, String suffix, InputStream content) {
        Path tmp = null;
        try {
            tmp = newTempFile();
            Hashing.Digested digested = writeTemp(tmp, content);
            String key = prefix + digested.sha256() + suffix;
            Path target = path(key);
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                moveAtomically(tmp, target, false);
            }
            return new StoredArtifact(key, uri(key), digested.sizeBytes(), digested.sha256());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a content-addressed artifact under '" + prefix + "'", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public InputStream get(String key) {
        try {
            return Files.newInputStream(path(key));
        } catch (NoSuchFileException e) {
            throw new ArtifactNotFoundException(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact '" + key + "'", e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public Optional<StoredArtifact> stat(String key) {
        Path file = path(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            Hashing.Digested digested = Hashing.copy(in, OutputStream.nullOutputStream());
            return Optional.of(new StoredArtifact(key, uri(key), digested.sizeBytes(), digested.sha256()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact '" + key + "'", e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        String checked = ArtifactKeys.checkPrefix(prefix);
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> !k.startsWith(TEMP_DIR + "/"))
                    .filter(k -> k.startsWith(checked))
                    .sorted()
                    .forEach(keys::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list artifacts under '" + prefix + "'", e);
        }
        return keys;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete artifact '" + key + "'", e);
        }
    }

    @Override
    public String uri(String key) {
        return path(key).toUri().toString();
    }

    @Override
    public String keyOf(String uri) {
        String rootUri = root.toUri().toString();
        if (uri.startsWith(rootUri)) {
            return ArtifactKeys.check(uri.substring(rootUri.length()));
        }
        // A home that was moved or copied: its records still name the files where they were written. The key is
        // what follows the artifact folder's name, found where this store holds such an object.
        String folder = "/" + root.getFileName() + "/";
        if (uri.startsWith("file:")) {
            for (int at = uri.indexOf(folder); at >= 0; at = uri.indexOf(folder, at + 1)) {
                String key = uri.substring(at + folder.length());
                try {
                    if (exists(ArtifactKeys.check(key))) {
                        return key;
                    }
                } catch (IllegalArgumentException notAKey) {
                    // try the next occurrence of the folder's name
                }
            }
        }
        throw new IllegalArgumentException("'" + uri + "' is not in the artifact store at " + rootUri);
    }

    private Path path(String key) {
        return root.resolve(ArtifactKeys.check(key));
    }

    private Path newTempFile() throws IOException {
        Files.createDirectories(temp);
        return temp.resolve(UUID.randomUUID() + ".part");
    }

    /** Streams {@code content} into {@code tmp}, hashing as it goes, and forces it to disk. */
    private static Hashing.Digested writeTemp(Path tmp, InputStream content) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel))) {
            Hashing.Digested digested = Hashing.copy(content, out);
            out.flush();
            channel.force(true);
            return digested;
        }
    }

    private static void moveAtomically(Path source, Path target, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // A hard link never replaces: when two writers race on the same content, one wins, both succeed.
                Files.createLink(target, source);
            }
        } catch (FileAlreadyExistsException e) {
            if (replace) {
                throw e;
            }
        } catch (AtomicMoveNotSupportedException | UnsupportedOperationException e) {
            throw new IOException("the artifact folder's file system cannot rename atomically: " + e.getMessage(), e);
        }
    }

    private void removeStaleTempFiles() {
        Instant cutoff = Instant.now().minus(STALE_TEMP);
        try (Stream<Path> files = Files.list(temp)) {
            files.filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
                } catch (IOException e) {
                    return false;
                }
            }).forEach(LocalArtifactStore::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + temp, e);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover temporary file is removed when the store is next opened
        }
    }
}
