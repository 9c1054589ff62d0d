package dev.flywheel.config;

import java.util.Map;

/**
 * The inference function's settings, read once at cold start (the README's configuration table lists each).
 *
 * @param model                 the model whose champion is loaded (and primed for SnapStart) at cold start; null:
 *                              models are loaded on their first request
 * @param refreshSeconds        how often, at most, a served alias is checked for a move (promotion, rollback); 0 checks
 *                              on every request
 * @param maxInstances          the most instances one request may carry
 * @param maxBodyBytes          the largest request body accepted (API Gateway's own limit is 10 MB)
 * @param captureShare          the share of requests captured for monitoring, 0 to 1
 * @param captureBatchRows      captured rows per batch object
 * @param captureMaxAgeSeconds  the longest a captured row waits for its batch to be written
 * @param shadowShare           the share of requests that the {@code challenger} also scores, off the response path
 */
public record ServingConfig(String model, int refreshSeconds, int maxInstances, int maxBodyBytes, double captureShare,
                            int captureBatchRows, int captureMaxAgeSeconds, double shadowShare) {
    public static final String MODEL = "FLYWHEEL_MODEL";
    public static final String REFRESH_SECONDS = "FLYWHEEL_REFRESH_SECONDS";
    public static final String MAX_INSTANCES = "FLYWHEEL_MAX_INSTANCES";
    public static final String MAX_BODY_BYTES = "FLYWHEEL_MAX_BODY_BYTES";
    public static final String CAPTURE_SHARE = "FLYWHEEL_CAPTURE_SHARE";
    public static final String CAPTURE_BATCH_ROWS = "FLYWHEEL_CAPTURE_BATCH_ROWS";
    public static final String CAPTURE_MAX_AGE_SECONDS = "FLYWHEEL_CAPTURE_MAX_AGE_SECONDS";
    public static final String SHADOW_SHARE = "FLYWHEEL_SHADOW_SHARE";
    /** API Gateway's payload limit for REST APIs. */
    public static final int API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

    public ServingConfig {
        check(refreshSeconds >= 0 && refreshSeconds <= 86_400, REFRESH_SECONDS, "0 to 86400", refreshSeconds);
        check(maxInstances >= 1 && maxInstances <= 100_000, MAX_INSTANCES, "1 to 100000", maxInstances);
        check(maxBodyBytes >= 1024 && maxBodyBytes <= API_GATEWAY_MAX_BODY_BYTES, MAX_BODY_BYTES,
                "1024 to " + API_GATEWAY_MAX_BODY_BYTES, maxBodyBytes);
        check(captureShare >= 0 && captureShare <= 1, CAPTURE_SHARE, "0 to 1", captureShare);
        check(captureBatchRows >= 1 && captureBatchRows <= 100_000, CAPTURE_BATCH_ROWS, "1 to 100000",
                captureBatchRows);
        check(captureMaxAgeSeconds >= 1 && captureMaxAgeSeconds <= 3600, CAPTURE_MAX_AGE_SECONDS, "1 to 3600",
                captureMaxAgeSeconds);
        check(shadowShare >= 0 && shadowShare <= 1, SHADOW_SHARE, "0 to 1", shadowShare);
    }

    /** The defaults: refresh every 30 s, 1000 instances, 10 MB, every request captured in batches of 500 or 60 s. */
    public static ServingConfig defaults() {
        return from(Map.of());
    }

    public static ServingConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static ServingConfig from(Map<String, String> env) {
        String model = env.get(MODEL);
        return new ServingConfig(model == null || model.isBlank() ? null : model.trim(),
                integer(env, REFRESH_SECONDS, 30), integer(env, MAX_INSTANCES, 1000),
                integer(env, MAX_BODY_BYTES, API_GATEWAY_MAX_BODY_BYTES), number(env, CAPTURE_SHARE, 1.0),
                integer(env, CAPTURE_BATCH_ROWS, 500), integer(env, CAPTURE_MAX_AGE_SECONDS, 60),
                number(env, SHADOW_SHARE, 0.0));
    }

    public ServingConfig withModel(String newModel) {
        return new ServingConfig(newModel, refreshSeconds, maxInstances, maxBodyBytes, captureShare, captureBatchRows,
                captureMaxAgeSeconds, shadowShare);
    }

    public ServingConfig withRefreshSeconds(int seconds) {
        return new ServingConfig(model, seconds, maxInstances, maxBodyBytes, captureShare, captureBatchRows,
                captureMaxAgeSeconds, shadowShare);
    }

    public ServingConfig withCapture(double share, int batchRows, int maxAgeSeconds) {
        return new ServingConfig(model, refreshSeconds, maxInstances, maxBodyBytes, share, batchRows, maxAgeSeconds,
                shadowShare);
    }

    public ServingConfig withShadowShare(double share) {
        return new ServingConfig(model, refreshSeconds, maxInstances, maxBodyBytes, captureShare, captureBatchRows,
                captureMaxAgeSeconds, share);
    }

    public ServingConfig withMaxInstances(int instances) {
        return new ServingConfig(model, refreshSeconds, instances, maxBodyBytes, captureShare, captureBatchRows,
                captureMaxAgeSeconds, shadowShare);
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + text + "'");
        }
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number, got '" + text + "'");
        }
    }

    private static void check(boolean ok, String name, String range, Object value) {
        if (!ok) {
            throw new ConfigException(name + " must be " + range + ", got " + value);
        }
    }
}
