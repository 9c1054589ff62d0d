package dev.flywheel.infra;

import java.util.Objects;

import software.amazon.awscdk.Duration;

/**
 * Settings of the {@link DataStore}. Every field has a default, so {@code DataStoreProps.builder().build()} is a
 * production-ready store.
 *
 * @param tableDeletionProtection     whether DynamoDB refuses to delete the metadata table (default true; turn it
 *                                    off only for throw-away stages)
 * @param captureInfrequentAccessAfter age at which captured inference requests ({@code captures/}) move to
 *                                    S3 Standard-IA (default 30 days, the S3 minimum)
 * @param captureExpiration           age at which captured requests are deleted (default 365 days)
 * @param accessLogExpiration         age at which server access logs are deleted (default 365 days)
 */
public record DataStoreProps(
        boolean tableDeletionProtection,
        Duration captureInfrequentAccessAfter,
        Duration captureExpiration,
        Duration accessLogExpiration) {

    public DataStoreProps {
        Objects.requireNonNull(captureInfrequentAccessAfter, "captureInfrequentAccessAfter");
        Objects.requireNonNull(captureExpiration, "captureExpiration");
        Objects.requireNonNull(accessLogExpiration, "accessLogExpiration");
        if (captureExpiration.toDays().doubleValue() <= captureInfrequentAccessAfter.toDays().doubleValue()) {
            throw new IllegalArgumentException("captureExpiration (" + captureExpiration.toDays()
                    + " days) must be later than captureInfrequentAccessAfter ("
                    + captureInfrequentAccessAfter.toDays() + " days)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private boolean tableDeletionProtection = true;
        private Duration captureInfrequentAccessAfter = Duration.days(30);
        private Duration captureExpiration = Duration.days(365);
        private Duration accessLogExpiration = Duration.days(365);

        private Builder() {
        }

        public Builder tableDeletionProtection(boolean enabled) {
            this.tableDeletionProtection = enabled;
            return this;
        }

        public Builder captureInfrequentAccessAfter(Duration age) {
            this.captureInfrequentAccessAfter = age;
            return this;
        }

        public Builder captureExpiration(Duration age) {
            this.captureExpiration = age;
            return this;
        }

        public Builder accessLogExpiration(Duration age) {
            this.accessLogExpiration = age;
            return this;
        }

        public DataStoreProps build() {
            return new DataStoreProps(tableDeletionProtection, captureInfrequentAccessAfter, captureExpiration,
                    accessLogExpiration);
        }
    }
}
