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
 * @param routes      the API's routes as "METHOD /path/{param}" (read from docs/openapi.json, which the inference
 *                    function serves and its tests hold to the handler's routes)
 * @param apiName     the REST API's name
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
        routes = List.copyOf(routes);
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("the API needs at least one route");
        }
        logRetention = logRetention == null ? RetentionDays.ONE_MONTH : logRetention;
        logLevel = logLevel == null ? "INFO" : logLevel;
        codeVersion = codeVersion == null ? "" : codeVersion;
    }
}
