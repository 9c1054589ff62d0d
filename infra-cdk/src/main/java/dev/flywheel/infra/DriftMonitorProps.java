package dev.flywheel.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * Settings of the {@link DriftMonitor}.
 *
 * @param definition       the drift-monitor ASL definition ({@code ${<Name>FunctionArn}}, {@code ${TrainingPipelineArn}}
 *                         and {@code ${ArtifactBucket}} placeholders)
 * @param functions        the functions' aliases by name; the state machine may invoke those its definition names
 * @param trainingPipeline the state machine a drift starts (startExecution.sync:2)
 * @param bucket           the artifact bucket, whose run manifests the Distributed Map's ItemReader reads
 * @param stateMachineName the state machine's name (required: its own role names its executions, which a
 *                         Distributed Map starts as children, by ARN)
 * @param schedule         when the monitor runs (e.g. every day over the last 24 hours)
 * @param scheduleEnabled  whether the schedule is enabled (a monitor with no input has no model to watch)
 * @param logRetention     how long execution logs are kept (default one month)
 * @param monitorInput     the scheduled executions' input: {@code {"model": ..., "retrain": {...}}}
 */
public record DriftMonitorProps(String definition, Map<String, IAlias> functions, IStateMachine trainingPipeline,
                                IBucket bucket, String stateMachineName, RetentionDays logRetention,
                                Schedule schedule, boolean scheduleEnabled, Map<String, Object> monitorInput) {
    public DriftMonitorProps {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(functions, "functions");
        Objects.requireNonNull(trainingPipeline, "trainingPipeline");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(stateMachineName, "stateMachineName");
        Objects.requireNonNull(schedule, "schedule");
        logRetention = logRetention == null ? RetentionDays.ONE_MONTH : logRetention;
        functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
        monitorInput = Collections.unmodifiableMap(new LinkedHashMap<>(monitorInput == null ? Map.of() : monitorInput));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: a daily schedule, enabled; logs kept a month; no monitor input. */
    public static final class Builder {
        private String definition;
        private Map<String, IAlias> functions = Map.of();
        private IStateMachine trainingPipeline;
        private IBucket bucket;
        private String stateMachineName;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private Schedule schedule = Schedule.rate(Duration.days(1));
        private boolean scheduleEnabled = true;
        private Map<String, Object> monitorInput = Map.of();

        private Builder() {
        }

        public Builder definition(String aslJson) {
            this.definition = aslJson;
            return this;
        }

        public Builder functions(Map<String, IAlias> aliases) {
            this.functions = aliases;
            return this;
        }

        public Builder trainingPipeline(IStateMachine stateMachine) {
            this.trainingPipeline = stateMachine;
            return this;
        }

        public Builder bucket(IBucket artifactBucket) {
            this.bucket = artifactBucket;
            return this;
        }

        public Builder stateMachineName(String name) {
            this.stateMachineName = name;
            return this;
        }

        public Builder logRetention(RetentionDays retention) {
            this.logRetention = retention;
            return this;
        }

        public Builder schedule(Schedule when) {
            this.schedule = when;
            return this;
        }

        public Builder scheduleEnabled(boolean enabled) {
            this.scheduleEnabled = enabled;
            return this;
        }

        public Builder monitorInput(Map<String, Object> input) {
            this.monitorInput = input;
            return this;
        }

        public DriftMonitorProps build() {
            return new DriftMonitorProps(definition, functions, trainingPipeline, bucket, stateMachineName,
                    logRetention, schedule, scheduleEnabled, monitorInput);
        }
    }
}
