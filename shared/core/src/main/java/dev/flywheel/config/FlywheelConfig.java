package dev.flywheel.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param region           the AWS region: {@code AWS_REGION}; without it, in aws mode the region of the state
 *                         machine ARNs when they are set, else {@code us-east-1}
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

    /** The region when {@value #REGION} does not say, nor a state machine ARN (README: configuration). */
    public static final String DEFAULT_REGION = "us-east-1";
    /** A state machine's ARN as the stack outputs it: arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME. */
    private static final Pattern STATE_MACHINE_ARN = Pattern.compile("arn:aws[a-z-]*:states:"
            + "([a-z]{2}(?:-[a-z]+)+-\\d+):\\d+:stateMachine:[^\\s:/<>{}\\[\\]?*\"#%\\\\^|~`$&,;]{1,80}");

    public FlywheelConfig {
        require(region, REGION + " must be set");
    }

    public static FlywheelConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** The environment's settings with some replaced (the CLI's {@code --home}). */
    public static FlywheelConfig fromEnvironment(Map<String, String> overrides) {
        return from(environment(overrides));
    }

    /**
     * The environment's settings with some replaced, for a command that reaches Step Functions only (the CLI's
     * {@code executions} and {@code approve}/{@code reject} with {@code FLYWHEEL_MODE=aws}): the artifact bucket and
     * the table may be left unset, since nothing reads them.
     */
    public static FlywheelConfig withoutStoresFromEnvironment(Map<String, String> overrides) {
        return read(environment(overrides));
    }

    private static Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(overrides);
        return env;
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

    /** Reads the settings from {@code env}; an invalid or missing value fails with the variable's name. */
    public static FlywheelConfig from(Map<String, String> env) {
        FlywheelConfig config = read(env);
        if (config.mode() == Mode.AWS) {
            require(config.bucket(), BUCKET + " must be set when " + MODE + "=aws: the artifact bucket, the stack "
                    + "output ArtifactBucketName");
            require(config.table(), TABLE + " must be set when " + MODE + "=aws: the metadata table, the stack output "
                    + "MetadataTableName");
        }
        return config;
    }

    private static FlywheelConfig read(Map<String, String> env) {
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
        String training = blankToNull(env.get(TRAINING_STATE_MACHINE_ARN));
        String drift = blankToNull(env.get(DRIFT_STATE_MACHINE_ARN));
        String region = blankToNull(env.get(REGION));
        if (mode == Mode.AWS) {
            // Only aws mode reaches the state machines: a local run is not stopped by a stale variable.
            String trainingRegion = stateMachineRegion(TRAINING_STATE_MACHINE_ARN, "TrainingStateMachineArn",
                    training, region);
            String driftRegion = stateMachineRegion(DRIFT_STATE_MACHINE_ARN, "DriftMonitorStateMachineArn", drift,
                    region);
            region = region != null ? region : trainingRegion != null ? trainingRegion : driftRegion;
        }
        return new FlywheelConfig(
                mode,
                Path.of(env.getOrDefault(HOME, ".flywheel")),
                blankToNull(env.get(BUCKET)),
                env.getOrDefault(ARTIFACT_PREFIX, ""),
                blankToNull(env.get(TABLE)),
                region != null ? region : DEFAULT_REGION,
                endpoint,
                Optional.ofNullable(blankToNull(env.get(CODE_VERSION))).orElseGet(BuildInfo::version),
                training,
                drift);
    }

    /**
     * The region of a state machine ARN (null when unset), checked: its shape, and the region {@value #REGION}
     * names when it is set (Step Functions refuses an ARN of another region).
     */
    private static String stateMachineRegion(String variable, String output, String arn, String region) {
        if (arn == null) {
            return null;
        }
        Matcher m = STATE_MACHINE_ARN.matcher(arn);
        if (!m.matches()) {
            throw new ConfigException(variable + " must be a state machine ARN, "
                    + "arn:aws:states:REGION:ACCOUNT:stateMachine:NAME (the stack output " + output + "), got '"
                    + (arn.length() > 120 ? arn.substring(0, 120) + "…" : arn) + "'");
        }
        if (region != null && !region.equals(m.group(1))) {
            throw new ConfigException(variable + " is a state machine in " + m.group(1) + ", but " + REGION + " is "
                    + region + ": set " + REGION + " to the stack's region (or leave it unset to use the ARN's)");
        }
        return m.group(1);
    }

    private static void require(String value, String message) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(message);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
