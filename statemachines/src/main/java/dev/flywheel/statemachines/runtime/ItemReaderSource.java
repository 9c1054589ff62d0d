package dev.flywheel.statemachines.runtime;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where the ItemReader of a distributed Map state reads: the two Amazon S3 calls Step Functions makes for it,
 * {@code s3:getObject} (a JSON array of items in one object) and {@code s3:listObjectsV2} (the objects under a
 * prefix, one item each). Given to an execution by {@link ExecutionOptions.Builder#itemReaderSource}; the local
 * runtime implements it over Flywheel's artifact store. Implementations are thread-safe.
 *
 * <p>A failure is reported by throwing {@link S3Exception} with S3's error code ({@code NoSuchBucket},
 * {@code NoSuchKey}, {@code AccessDenied}...); the Map state then fails with {@code States.ItemReaderFailed}, as on
 * AWS.
 */
public interface ItemReaderSource {

    /**
     * The content of one object. The caller closes the stream.
     *
     * @throws S3Exception {@code NoSuchBucket} or {@code NoSuchKey} when there is no such object
     */
    InputStream getObject(String bucket, String key);

    /**
     * Every object whose key starts with {@code prefix} (all pages), in S3's order: by key, ascending.
     *
     * @param prefix "" for the whole bucket
     * @throws S3Exception {@code NoSuchBucket} when there is no such bucket
     */
    List<S3Object> listObjectsV2(String bucket, String prefix);

    /**
     * One object as ListObjectsV2 describes it.
     *
     * @param etag         the entity tag, in double quotes as S3 gives it ({@code "\"9b2cf535f27731c974343645a3985328\""})
     * @param lastModified when the object was last written
     * @param storageClass e.g. {@code STANDARD}
     */
    record S3Object(String key, long size, String etag, Instant lastModified, String storageClass) {
        public S3Object {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(lastModified, "lastModified");
            Objects.requireNonNull(storageClass, "storageClass");
        }
    }

    /** An S3 call that failed, with S3's error code ({@code NoSuchBucket}, {@code NoSuchKey}...). */
    final class S3Exception extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String errorCode;

        public S3Exception(String errorCode, String message) {
            super(message);
            this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        }

        public String errorCode() {
            return errorCode;
        }
    }
}
