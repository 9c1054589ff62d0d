package dev.flywheel.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;

/**
 * Settings of the {@link PipelineFunctions}.
 *
 * @param bucket       the artifact bucket the functions read and write
 * @param table        the metadata table the functions read and write
 * @param code         the deployment package of each code module ({@link PipelineFunctions#MODULES}), by module: the
 *                     shaded jars in an app, any directory in tests; every function of a module runs its one asset
 * @param settings     memory and timeout overrides by function name ({@link PipelineFunctions#NAMES}); the others use
 *                     {@link FunctionSettings#defaultsFor(String)}
 * @param logRetention how long CloudWatch keeps the functions' logs (default one month)
 * @param logLevel     the value of {@code FLYWHEEL_LOG_LEVEL} (default INFO)
 * @param codeVersion  recorded on every run and model version as {@code FLYWHEEL_CODE_VERSION}, such as a git
 *                     commit; empty (the default) lets the functions use their build version
 */
public record PipelineFunctionsProps(
        IBucket bucket,
        ITable table,
        Map<String, Code> code,
        Map<String, FunctionSettings> settings,
        RetentionDays logRetention,
        String logLevel,
        String codeVersion) {

    public PipelineFunctionsProps {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(logRetention, "logRetention");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(codeVersion, "codeVersion");
        code = Map.copyOf(code);
        settings = Map.copyOf(settings);
        Set<String> missing = new TreeSet<>(PipelineFunctions.MODULES);
        missing.removeAll(code.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no code for function module(s) " + missing);
        }
        Set<String> unknownModules = new TreeSet<>(code.keySet());
        unknownModules.removeAll(PipelineFunctions.MODULES);
        if (!unknownModules.isEmpty()) {
            throw new IllegalArgumentException("code for unknown function module(s) " + unknownModules
                    + "; expected " + PipelineFunctions.MODULES);
        }
        Set<String> unknownFunctions = new TreeSet<>(settings.keySet());
        unknownFunctions.removeAll(PipelineFunctions.NAMES);
        if (!unknownFunctions.isEmpty()) {
            throw new IllegalArgumentException("settings for unknown function(s) " + unknownFunctions
                    + "; expected " + PipelineFunctions.NAMES);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The code of module {@code module}, which every function of the module runs. */
    public Code codeOf(String module) {
        return code.get(module);
    }

    /** The memory and timeout of {@code functionName}, overridden or default. */
    public FunctionSettings settingsOf(String functionName) {
        return settings.getOrDefault(functionName, FunctionSettings.defaultsFor(functionName));
    }

    public static final class Builder {
        private IBucket bucket;
        private ITable table;
        private final Map<String, Code> code = new LinkedHashMap<>();
        private final Map<String, FunctionSettings> settings = new LinkedHashMap<>();
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private String logLevel = "INFO";
        private String codeVersion;

        private Builder() {
        }

        public Builder bucket(IBucket bucket) {
            this.bucket = bucket;
            return this;
        }

        public Builder table(ITable table) {
            this.table = table;
            return this;
        }

        /** Replaces the code of every module named in {@code codeByModule}. */
        public Builder code(Map<String, ? extends Code> codeByModule) {
            this.code.putAll(codeByModule);
            return this;
        }

        public Builder settings(String functionName, FunctionSettings functionSettings) {
            this.settings.put(functionName, functionSettings);
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

        public PipelineFunctionsProps build() {
            return new PipelineFunctionsProps(bucket, table, code, settings, logRetention, logLevel,
                    codeVersion == null ? "" : codeVersion.trim());
        }
    }
}
