package dev.flywheel.statemachines.local;

import dev.flywheel.statemachines.runtime.ItemReaderSource;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The S3 that a distributed Map state's ItemReader reads, locally: Flywheel's artifact store stands for the one
 * bucket, {@link LocalRuntime#ARTIFACT_BUCKET} (what {@code ${ArtifactBucket}} becomes in a local definition), and
 * an object key is an artifact key. Any other bucket does not exist ({@code NoSuchBucket}); a missing key is
 * {@code NoSuchKey}, as S3 reports them.
 *
 * <p>Listed objects carry what ListObjectsV2 gives: the size; an ETag made from the artifact's sha256 (its first 32
 * hex digits in double quotes: the shape of S3's MD5 ETag, not its value); the file's modification time when the
 * store keeps objects as files, else the time of the listing; storage class STANDARD.
 */
final class ArtifactStoreItemReaderSource implements ItemReaderSource {
    private final ArtifactStore artifacts;
    private final Clock clock;

    ArtifactStoreItemReaderSource(ArtifactStore artifacts, Clock clock) {
        this.artifacts = artifacts;
        this.clock = clock;
    }

    @Override
    public InputStream getObject(String bucket, String key) {
        checkBucket(bucket);
        try {
            return artifacts.get(key);
        } catch (ArtifactNotFoundException e) {
            throw new S3Exception("NoSuchKey", "The specified key does not exist. (Key: " + key + ")");
        }
    }

    @Override
    public List<S3Object> listObjectsV2(String bucket, String prefix) {
        checkBucket(bucket);
        Instant now = clock.instant();
        List<S3Object> objects = new ArrayList<>();
        for (String key : artifacts.list(prefix == null ? "" : prefix)) {
            Optional<StoredArtifact> stat = artifacts.stat(key);
            if (stat.isEmpty()) {
                continue; // deleted since the listing
            }
            String sha = stat.get().sha256();
            String etag = "\"" + (sha.length() > 32 ? sha.substring(0, 32) : sha) + "\"";
            objects.add(new S3Object(key, stat.get().sizeBytes(), etag, lastModified(key, now), "STANDARD"));
        }
        objects.sort((a, b) -> a.key().compareTo(b.key()));
        return objects;
    }

    private Instant lastModified(String key, Instant fallback) {
        try {
            URI uri = URI.create(artifacts.uri(key));
            if ("file".equals(uri.getScheme())) {
                return Files.getLastModifiedTime(Path.of(uri)).toInstant();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the modification time of artifact '" + key + "'", e);
        } catch (RuntimeException e) {
            // not a file URI this JVM can open: fall back to the listing time
        }
        return fallback;
    }

    private static void checkBucket(String bucket) {
        if (!LocalRuntime.ARTIFACT_BUCKET.equals(bucket)) {
            throw new S3Exception("NoSuchBucket", "The specified bucket does not exist. (Bucket: " + bucket
                    + "; the local runtime has one bucket, " + LocalRuntime.ARTIFACT_BUCKET
                    + ", written ${ArtifactBucket} in a definition)");
        }
    }
}
