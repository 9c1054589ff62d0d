package dev.flywheel.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@link FlywheelApp} deploys, read once from CDK context ({@code cdk deploy -c stage=prod}, or
 * {@code cdk.json}) with a few environment-variable fallbacks. Paths are relative to the {@code infra-cdk} folder,
 * where {@code cdk} runs.
 *
 * @param stage                   context {@code stage}, else {@code FLYWHEEL_STAGE}, else {@code dev}
 * @param functionsDir            context {@code functionsDir}, default {@code ../functions}; see {@link #jarOf}
 * @param definitionFile          context {@code definitionFile}, default the shared training pipeline definition
 * @param scheduleExpression      context {@code schedule}: an EventBridge {@code rate(...)} or {@code cron(...)}
 *                                expression, default {@code rate(7 days)}; {@code off} disables the schedule
 * @param scheduleEnabled         context {@code scheduleEnabled}; by default true when a {@code scheduleInput} is
 *                                given, because a scheduled run without one has nothing to train on; always false
 *                                when {@code schedule} is {@code off}
 * @param scheduleInput           context {@code scheduleInput}: the pipeline input (a JSON object, such as
 *                                {@code {"model": ..., "ingest": {...}}}) scheduled runs start with; empty if none
 * @param driftDefinitionFile     context {@code driftDefinitionFile}, default the shared drift-monitor definition
 * @param monitorInput            context {@code monitorInput}: the daily drift monitor's input (a JSON object such as
 *                                {@code {"model": ..., "retrain": {"pipelineInput": {...}}}}); empty: the
 *                                monitor's schedule is deployed disabled
 * @param openApiFile             context {@code openApiFile}, default {@code ../docs/openapi.json}: the inference API's
 *                                routes
 * @param alarmEmail              context {@code alarmEmail}: where the alarms notify (SNS e-mail), or null
 * @param apiKeys                 context {@code apiKeys}, default false: API keys and a usage plan instead of IAM
 * @param tableDeletionProtection context {@code tableDeletionProtection}, default true
 * @param codeVersion             context {@code codeVersion}, else {@code FLYWHEEL_CODE_VERSION}, else empty
 * @param nagEnabled              context {@code nag}, default true: run the cdk-nag AwsSolutions checks at synth
 * @param account                 {@code CDK_DEFAULT_ACCOUNT} (set by the cdk CLI), or null
 * @param region                  {@code CDK_DEFAULT_REGION} (set by the cdk CLI), or null
 */
public record AppSettings(
        String stage,
        Path functionsDir,
        Path definitionFile,
        String scheduleExpression,
        boolean scheduleEnabled,
        Map<String, Object> scheduleInput,
        Path driftDefinitionFile,
        Map<String, Object> monitorInput,
        Path openApiFile,
        boolean apiKeys,
        String alarmEmail,
        boolean tableDeletionProtection,
        String codeVersion,
        boolean nagEnabled,
        String account,
        String region) {

    public static final String DEFAULT_SCHEDULE = "rate(7 days)";
    static final Path DEFAULT_DEFINITION =
            Path.of("..", "statemachines", "src", "main", "resources", "statemachines", "training-pipeline.asl.json");

    static final Path DEFAULT_DRIFT_DEFINITION =
            Path.of("..", "statemachines", "src", "main", "resources", "statemachines", "drift-monitor.asl.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the settings.
     *
     * @param context the CDK context lookup ({@code app.getNode()::tryGetContext}); values are strings from the
     *                command line, or JSON values from {@code cdk.json}
     * @param env     the environment variables
     */
    public static AppSettings from(Function<String, Object> context, Map<String, String> env) {
        String stage = text(context.apply("stage"), env.getOrDefault("FLYWHEEL_STAGE", "dev"));
        Stage.of(stage); // refuses a name CloudFormation cannot use, as typed (no silent lower-casing)
        if (context.apply("driftRetraining") != null) {
            throw new IllegalArgumentException("context 'driftRetraining' is gone: the drift monitor starts a retraining "
                    + "itself, when 'monitorInput' has a \"retrain\" section; leave that section out to monitor only");
        }
        String schedule = text(context.apply("schedule"), DEFAULT_SCHEDULE);
        boolean scheduleOff = schedule.equalsIgnoreCase("off") || schedule.equalsIgnoreCase("disabled");
        if (scheduleOff) {
            schedule = DEFAULT_SCHEDULE;
        } else if (!schedule.startsWith("rate(") && !schedule.startsWith("cron(")) {
            throw new IllegalArgumentException("context 'schedule' must be an EventBridge rate(...) or cron(...) "
                    + "expression, or 'off', got '" + schedule + "'");
        }
        Map<String, Object> scheduleInput = jsonObject(context.apply("scheduleInput"), "scheduleInput");
        boolean scheduleEnabled = !scheduleOff
                && flag(context.apply("scheduleEnabled"), !scheduleInput.isEmpty(), "scheduleEnabled");
        if (scheduleEnabled && scheduleInput.isEmpty()) {
            throw new IllegalArgumentException("scheduled retraining needs the pipeline input: set context "
                    + "'scheduleInput' to a JSON object such as {\"model\": ..., \"ingest\": {...}}");
        }
        return new AppSettings(
                stage,
                Path.of(text(context.apply("functionsDir"), Path.of("..", "functions").toString())),
                Path.of(text(context.apply("definitionFile"), DEFAULT_DEFINITION.toString())),
                schedule,
                scheduleEnabled,
                scheduleInput,
                Path.of(text(context.apply("driftDefinitionFile"), DEFAULT_DRIFT_DEFINITION.toString())),
                monitorInput(jsonObject(context.apply("monitorInput"), "monitorInput")),
                Path.of(text(context.apply("openApiFile"), Path.of("..", "docs", "openapi.json").toString())),
                flag(context.apply("apiKeys"), false, "apiKeys"),
                alarmEmail(blankToNull(text(context.apply("alarmEmail"), ""))),
                flag(context.apply("tableDeletionProtection"), true, "tableDeletionProtection"),
                text(context.apply("codeVersion"), env.getOrDefault("FLYWHEEL_CODE_VERSION", "")),
                flag(context.apply("nag"), true, "nag"),
                blankToNull(env.get("CDK_DEFAULT_ACCOUNT")),
                blankToNull(env.get("CDK_DEFAULT_REGION")));
    }

    /**
     * The deployment jar of function module {@code module} ({@link PipelineFunctions#MODULES}) in
     * {@code <functionsDir>/<module>/target}: the shaded jar that the functions' build attaches with the
     * {@code lambda} classifier ({@code flywheel-<module>-function-<version>-lambda.jar}, the newest if there are
     * several), else {@code flywheel-<module>-function.jar}. Never the thin jar, which lacks the dependencies. The
     * returned path may not exist; {@link FlywheelApp} reports it then.
     */
    public Path jarOf(String module) {
        Path target = functionsDir.resolve(module).resolve("target");
        String prefix = "flywheel-" + module + "-function";
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                Optional<Path> shaded = files
                        .filter(file -> file.getFileName().toString().startsWith(prefix)
                                && file.getFileName().toString().endsWith("-lambda.jar"))
                        .max(Comparator.comparing(AppSettings::lastModified));
                if (shaded.isPresent()) {
                    return shaded.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + target, e);
            }
        }
        return target.resolve(prefix + ".jar");
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Object value, String fallback) {
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    private static boolean flag(Object value, boolean fallback, String key) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("context '" + key + "' must be true or false, got '"
                    + value + "'");
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(Object value, String key) {
        if (value == null || value.toString().isBlank()) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return new LinkedHashMap<>((Map<String, Object>) map);
        }
        try {
            Object parsed = JSON.readValue(value.toString(), Object.class);
            if (parsed instanceof Map<?, ?> map) {
                return new LinkedHashMap<>((Map<String, Object>) map);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("context '" + key + "' is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        throw new IllegalArgumentException("context '" + key + "' must be a JSON object, got " + value);
    }

    /**
     * The monitor's input, checked as far as synth can: the daily rule would otherwise start a monitor that fails
     * every day. It needs the model to watch; its other fields are checked by the monitor's first step.
     */
    private static Map<String, Object> monitorInput(Map<String, Object> input) {
        if (!input.isEmpty() && !(input.get("model") instanceof String model && !model.isBlank())) {
            throw new IllegalArgumentException("context 'monitorInput' needs \"model\": the name of the model to "
                    + "watch, such as {\"model\": \"credit-risk\"}; got " + input.keySet());
        }
        if (input.containsKey("retrain") && !(input.get("retrain") instanceof Map<?, ?> retrain
                && retrain.get("pipelineInput") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("context 'monitorInput': \"retrain\" must be an object with "
                    + "\"pipelineInput\", the training pipeline's input (docs/monitoring.md)");
        }
        return input;
    }

    private static String alarmEmail(String address) {
        if (address != null && !address.trim().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new IllegalArgumentException("context 'alarmEmail' must be an e-mail address, got '" + address
                    + "'");
        }
        return address == null ? null : address.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
