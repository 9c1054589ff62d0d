package dev.flywheel.store.aws;

import dev.flywheel.io.ScratchFolder;
import dev.flywheel.store.ArtifactKeys;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStoreException;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.StoredArtifact;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts in an S3 bucket, under an optional key prefix. Content is first streamed to a local temporary
 * file while its sha256 is computed (so memory stays flat and the hash is known before the upload), then
 * uploaded with one PutObject, or as a multipart upload above {@link #MULTIPART_THRESHOLD} bytes. S3 makes an
 * object visible only when its upload completes, so readers never see half an object; a multipart upload that
 * fails is aborted and leaves no object. The sha256 is kept as object metadata.
 */
public final class S3ArtifactStore implements ArtifactStore {
    static final long MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    static final int PART_SIZE = 8 * 1024 * 1024;
    private static final String SHA_METADATA = "sha256";

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final long multipartThreshold;

    public S3ArtifactStore(S3Client s3, String bucket, String keyPrefix) {
        this(s3, bucket, keyPrefix, MULTIPART_THRESHOLD);
    }

    S3ArtifactStore(S3Client s3, String bucket, String keyPrefix, long multipartThreshold) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = keyPrefix == null || keyPrefix.isEmpty() ? "" : ArtifactKeys.check(keyPrefix) + "/";
        this.multipartThreshold = multipartThreshold;
    }

    @Override
    public StoredArtifact put(String key, InputStream content) {
        ArtifactKeys.check(key);
        return withTempCopy(content, (tmp, digested) -> {
            s3("put", key, () -> {
                upload(key, tmp, digested);
                return null;
            });
            return new StoredArtifact(key, uri(key), digested.sizeBytes(), digested.sha256());
        });
    }

    @Override
    public StoredArtifact putContentAddressed(String keyPrefix, String suffix, InputStream content) {
        return withTempCopy(content, (tmp, digested) -> {
            String key = ArtifactKeys.check(keyPrefix + digested.sha256() + suffix);
            if (!exists(key)) {
                s3("put", key, () -> {
                    upload(key, tmp, digested);
                    return null;
                });
            }
            return new StoredArtifact(key, uri(key), digested.sizeBytes(), digested.sha256());
        });
    }

    @Override
    public InputStream get(String key) {
        try {
            return s3("get", key, () -> s3.getObject(b -> b.bucket(bucket).key(objectKey(key))));
        } catch (ArtifactStoreException e) {
            if (e.getCause() instanceof NoSuchKeyException) {
                throw new ArtifactNotFoundException(key);
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String key) {
        return head(key).isPresent();
    }

    @Override
    public Optional<StoredArtifact> stat(String key) {
        return head(key).map(h -> new StoredArtifact(key, uri(key), h.contentLength(),
                h.metadata().getOrDefault(SHA_METADATA, "")));
    }

    @Override
    public List<String> list(String keyPrefix) {
        String checked = ArtifactKeys.checkPrefix(keyPrefix);
        List<String> keys = new ArrayList<>();
        s3("list", checked, () -> {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + checked))
                    .contents()) {
                keys.add(object.key().substring(prefix.length()));
            }
            return null;
        });
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) {
        s3("delete", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key))));
    }

    @Override
    public String uri(String key) {
        return "s3://" + bucket + "/" + objectKey(key);
    }

    @Override
    public String keyOf(String uri) {
        String base = "s3://" + bucket + "/" + prefix;
        if (!uri.startsWith(base)) {
            throw new IllegalArgumentException("'" + uri + "' is not in the artifact store at " + base);
        }
        return ArtifactKeys.check(uri.substring(base.length()));
    }

    @Override
    public void checkAvailable() {
        String where = s3.serviceClientConfiguration().region() + s3.serviceClientConfiguration().endpointOverride()
                .map(uri -> " at " + uri).orElse("");
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw new ArtifactStoreException("the S3 bucket '" + bucket + "' does not exist in " + where
                    + ": deploy Flywheel there (`cdk deploy`, see docs/deploy.md) or set FLYWHEEL_BUCKET to the bucket "
                    + "of a deployed stack", e);
        } catch (SdkException e) {
            boolean missing = e instanceof S3Exception s3e && s3e.statusCode() == 404;
            throw new ArtifactStoreException(missing ? "the S3 bucket '" + bucket + "' does not exist in " + where
                    + ": deploy Flywheel there (`cdk deploy`, see docs/deploy.md) or set FLYWHEEL_BUCKET"
                    : "cannot reach the S3 bucket '" + bucket + "' in " + where + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    + " (check AWS_REGION, credentials and FLYWHEEL_AWS_ENDPOINT)", e);
        }
    }

    private Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3("head", key, () -> s3.headObject(b -> b.bucket(bucket).key(objectKey(key)))));
        } catch (ArtifactStoreException e) {
            if (e.getCause() instanceof NoSuchKeyException
                    || e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Runs one S3 call; a service or client failure becomes an {@link ArtifactStoreException} naming it. */
    private <T> T s3(String operation, String key, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new ArtifactStoreException("S3 " + operation + " of " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }

    private void upload(String key, Path file, Hashing.Digested digested) {
        String objectKey = objectKey(key);
        Map<String, String> metadata = Map.of(SHA_METADATA, digested.sha256());
        if (digested.sizeBytes() <= multipartThreshold) {
            s3.putObject(b -> b.bucket(bucket).key(objectKey).metadata(metadata), RequestBody.fromFile(file));
            return;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(objectKey).metadata(metadata)).uploadId();
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            long remaining = digested.sizeBytes();
            int partNumber = 1;
            while (remaining > 0) {
                int length = (int) Math.min(PART_SIZE, remaining);
                byte[] part = in.readNBytes(length);
                int number = partNumber;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                        .partNumber(number), RequestBody.fromBytes(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                remaining -= length;
                partNumber++;
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot upload artifact '" + key + "'", io);
            }
            throw (RuntimeException) e;
        }
    }

    private String objectKey(String key) {
        return prefix + ArtifactKeys.check(key);
    }

    private interface TempConsumer<T> {
        T accept(Path file, Hashing.Digested digested);
    }

    private static <T> T withTempCopy(InputStream content, TempConsumer<T> consumer) {
        Path tmp = null;
        try {
            tmp = ScratchFolder.createFile("upload-", ".part");
            Hashing.Digested digested;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                digested = Hashing.copy(content, out);
            }
            return consumer.accept(tmp, digested);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage an upload in the temporary folder", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary folder is cleaned by the OS (on Lambda, with the sandbox)
                }
            }
        }
    }
}
