package dev.flywheel.infra;

import java.util.List;
import java.util.Objects;

import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;

/**
 * Settings of the {@link ServingApi}.
 *
 * @param code        the inference function's deployment package (the {@code functions/inference} jar)
 * @param bucket      the artifact bucket: model packages read, captures and feedback written
 * @param table       the metadata table: the registry read
 * @param routes      the API's routes as "METHOD /path/{param}" (read from docs/openapi.json, which the inference
 *                    function serves and its tests hold to the handler's routes)
 * @param apiName     the REST API's name
 * @param logRetention how long the function's and the API's access logs are kept (default one month)
 * @param logLevel    the function's log level (default INFO)
 * @param codeVersion recorded as FLYWHEEL_CODE_VERSION (default empty)
 * @param apiKeys     false (default): callers sign requests (IAM, SigV4); true: an API key and a usage plan instead
 * @param rateLimit   steady requests per second the stage allows
 * @param burstLimit  the stage's burst
 * @param canary      true: new function versions are shifted 10 % for 5 minutes by CodeDeploy, rolled back on the
 *                    alarms; false: all at once (still with the alarms)
 */
public record ServingApiProps(Code code, IBucket bucket, ITable table, List<String> routes, String apiName,
                              RetentionDays logRetention, String logLevel, String codeVersion, boolean apiKeys,
                              double rateLimit, int burstLimit, boolean canary) {
    public ServingApiProps {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(apiName, "apiName");
        if (!(rateLimit > 0) || burstLimit < 1) {
            throw new IllegalArgumentException("throttling needs a rate above 0 and a burst of at least 1, got "
                    + rateLimit + " and " + burstLimit);
        }
        routes = List.copyOf(routes);
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("the API needs at least one route");
        }
        logRetention = logRetention == null ? RetentionDays.ONE_MONTH : logRetention;
        logLevel = logLevel == null ? "INFO" : logLevel;
        codeVersion = codeVersion == null ? "" : codeVersion;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: IAM authorisation, 50 requests/s with bursts of 100, the canary rollout, logs kept a month. */
    public static final class Builder {
        private Code code;
        private IBucket bucket;
        private ITable table;
        private List<String> routes = List.of();
        private String apiName;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private String logLevel = "INFO";
        private String codeVersion = "";
        private boolean apiKeys;
        private double rateLimit = 50;
        private int burstLimit = 100;
        private boolean canary = true;

        private Builder() {
        }

        public Builder code(Code inferenceCode) {
            this.code = inferenceCode;
            return this;
        }

        public Builder bucket(IBucket artifactBucket) {
            this.bucket = artifactBucket;
            return this;
        }

        public Builder table(ITable metadataTable) {
            this.table = metadataTable;
            return this;
        }

        public Builder routes(List<String> apiRoutes) {
            this.routes = apiRoutes;
            return this;
        }

        public Builder apiName(String name) {
            this.apiName = name;
            return this;
        }

        public Builder logRetention(RetentionDays retention) {
            this.logRetention = retention;
            return this;
        }

        public Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        public Builder codeVersion(String version) {
            this.codeVersion = version;
            return this;
        }

        public Builder apiKeys(boolean useApiKeys) {
            this.apiKeys = useApiKeys;
            return this;
        }

        public Builder throttling(double requestsPerSecond, int burst) {
            this.rateLimit = requestsPerSecond;
            this.burstLimit = burst;
            return this;
        }

        public Builder canary(boolean shiftGradually) {
            this.canary = shiftGradually;
            return this;
        }

        public ServingApiProps build() {
            return new ServingApiProps(code, bucket, table, routes, apiName, logRetention, logLevel, codeVersion,
                    apiKeys, rateLimit, burstLimit, canary);
        }
    }
}
