package dev.flywheel.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of Flywheel, read once (at cold start, or when the CLI starts) from environment variables.
 * The README's configuration table lists each variable; the CDK code is the only other place that names them.
 *
 * @param mode             where artifacts and metadata live: {@code local} (a folder) or {@code aws} (S3 + DynamoDB)
 * @param home             local mode: the folder for artifacts ({@code home/artifacts}) and metadata
 *                         ({@code home/metadata.db})
 * @param bucket           aws mode: the artifact bucket
 * @param artifactPrefix   aws mode: key prefix inside the bucket (may be empty)
 * @param table            aws mode: the DynamoDB metadata table
 * @param region           aws mode: the AWS region
 * @param endpoint         an emulator endpoint (LocalStack, moto) for S3 and DynamoDB, or null for AWS itself
 * @param codeVersion      recorded on every run and model version: a git commit or build version
 * @param trainingStateMachineArn aws mode, the CLI only: the deployed training pipeline (the stack output
 *                         {@code TrainingStateMachineArn}), or null
 * @param driftStateMachineArn    aws mode, the CLI only: the deployed drift monitor (the stack output
 *                         {@code DriftMonitorStateMachineArn}), or null
 */
public record FlywheelConfig(
        Mode mode,
        Path home,
        String bucket,
        String artifactPrefix,
        String table,
        String region,
        URI endpoint,
        String codeVersion,
        String trainingStateMachineArn,
        String driftStateMachineArn) {

    public enum Mode { LOCAL, AWS }

    public static final String MODE = "FLYWHEEL_MODE";
    public static final String HOME = "FLYWHEEL_HOME";
    public static final String BUCKET = "FLYWHEEL_BUCKET";
    public static final String ARTIFACT_PREFIX = "FLYWHEEL_ARTIFACT_PREFIX";
    public static final String TABLE = "FLYWHEEL_TABLE";
    public static final String REGION = "AWS_REGION";
    public static final String ENDPOINT = "FLYWHEEL_AWS_ENDPOINT";
    public static final String CODE_VERSION = "FLYWHEEL_CODE_VERSION";
    public static final String TRAINING_STATE_MACHINE_ARN = "FLYWHEEL_TRAINING_STATE_MACHINE_ARN";
    public static final String DRIFT_STATE_MACHINE_ARN = "FLYWHEEL_DRIFT_STATE_MACHINE_ARN";
    /** Set (to anything): failures print their stack traces. */
    public static final String DEBUG = "FLYWHEEL_DEBUG";

    public FlywheelConfig {
        if (mode == Mode.AWS) {
            require(bucket, BUCKET);
            require(table, TABLE);
            require(region, REGION);
        }
    }

    public static FlywheelConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** The environment's settings with some replaced (the CLI's {@code --home}). */
    public static FlywheelConfig fromEnvironment(Map<String, String> overrides) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(overrides);
        return from(env);
    }

    /**
     * The one place Flywheel reads its process environment: the settings above, and the few variables of the
     * platform it runs on ({@code HOSTNAME}, the terminal's {@code COLUMNS}, DJL's cache folders).
     */
    public static String environment(String variable) {
        return blankToNull(System.getenv(variable));
    }

    /** {@value #DEBUG} is set: show stack traces. */
    public static boolean debug() {
        return environment(DEBUG) != null;
    }

    /** The emulator endpoint, if one is set. */
    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpoint);
    }

    /** The deployed training pipeline's ARN, or a failure that says which variable to set. */
    public String requireTrainingStateMachineArn() {
        if (trainingStateMachineArn == null) {
            throw new ConfigException(TRAINING_STATE_MACHINE_ARN + " must be set to reach the deployed training "
                    + "pipeline: the stack output TrainingStateMachineArn (see docs/deploy.md)");
        }
        return trainingStateMachineArn;
    }

    /** Reads the settings from {@code env}; an invalid value fails with the variable's name. */
    public static FlywheelConfig from(Map<String, String> env) {
        String modeText = env.getOrDefault(MODE, "local").trim().toLowerCase();
        Mode mode = switch (modeText) {
            case "local" -> Mode.LOCAL;
            case "aws" -> Mode.AWS;
            default -> throw new ConfigException(MODE + " must be 'local' or 'aws', got '" + modeText + "'");
        };
        URI endpoint = Optional.ofNullable(blankToNull(env.get(ENDPOINT))).map(text -> {
            try {
                URI uri = URI.create(text);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException("no scheme or host");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ENDPOINT + " must be a URL like http://127.0.0.1:4566, got '" + text + "'");
            }
        }).orElse(null);
        return new FlywheelConfig(
                mode,
                Path.of(env.getOrDefault(HOME, ".flywheel")),
                blankToNull(env.get(BUCKET)),
                env.getOrDefault(ARTIFACT_PREFIX, ""),
                blankToNull(env.get(TABLE)),
                env.getOrDefault(REGION, mode == Mode.AWS ? null : "us-east-1"),
                endpoint,
                Optional.ofNullable(blankToNull(env.get(CODE_VERSION))).orElseGet(BuildInfo::version),
                blankToNull(env.get(TRAINING_STATE_MACHINE_ARN)),
                blankToNull(env.get(DRIFT_STATE_MACHINE_ARN)));
    }


    private static void require(String value, String variable) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(variable + " must be set when " + MODE + "=aws");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
