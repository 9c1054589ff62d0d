package dev.flywheel.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Settings of the {@link TrainingPipeline}.
 *
 * @param definition            the Amazon States Language definition, with {@code ${<Name>FunctionArn}}
 *                              placeholders for the functions it invokes
 * @param functions             what each placeholder resolves to: the alias of each function by name; the state
 *                              machine is bound to, and may invoke, only those its definition names
 * @param stateMachineName      the state machine's name, or null for a generated one
 * @param logGroupName          the execution log group's name (best under {@code /aws/vendedlogs/states/}), or
 *                              null for a generated one; a named log group is deleted with the stack so that a
 *                              redeploy can create it again, a generated one is retained
 * @param logRetention          how long execution logs are kept (default one month)
 * @param schedule              when to retrain (default every 7 days)
 * @param scheduleEnabled       whether the scheduled rule is enabled (default true); a disabled rule stays
 *                              deployed and can be switched on in the console
 * @param scheduleInput         the execution input of scheduled runs, a JSON object (default
 *                              {@code {"trigger": "schedule"}})
 */
public record TrainingPipelineProps(
        String definition,
        Map<String, IAlias> functions,
        String stateMachineName,
        String logGroupName,
        RetentionDays logRetention,
        Schedule schedule,
        boolean scheduleEnabled,
        Map<String, Object> scheduleInput) {

    public TrainingPipelineProps {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(functions, "functions");
        Objects.requireNonNull(logRetention, "logRetention");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(scheduleInput, "scheduleInput");
        functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
        scheduleInput = Collections.unmodifiableMap(new LinkedHashMap<>(scheduleInput));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String definition;
        private final Map<String, IAlias> functions = new LinkedHashMap<>();
        private String stateMachineName;
        private String logGroupName;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private Schedule schedule = Schedule.rate(Duration.days(7));
        private boolean scheduleEnabled = true;
        private Map<String, Object> scheduleInput = Map.of("trigger", "schedule");

        private Builder() {
        }

        public Builder definition(String aslJson) {
            this.definition = aslJson;
            return this;
        }

        /** The alias of each pipeline function by name, such as {@link PipelineFunctions#aliases()}. */
        public Builder functions(Map<String, ? extends IAlias> aliasesByFunction) {
            this.functions.putAll(aliasesByFunction);
            return this;
        }

        public Builder stateMachineName(String name) {
            this.stateMachineName = name;
            return this;
        }

        public Builder logGroupName(String name) {
            this.logGroupName = name;
            return this;
        }

        public Builder logRetention(RetentionDays retention) {
            this.logRetention = retention;
            return this;
        }

        public Builder schedule(Schedule retrainingSchedule) {
            this.schedule = retrainingSchedule;
            return this;
        }

        public Builder scheduleEnabled(boolean enabled) {
            this.scheduleEnabled = enabled;
            return this;
        }

        public Builder scheduleInput(Map<String, ?> input) {
            this.scheduleInput = new LinkedHashMap<>(input);
            return this;
        }

        public TrainingPipelineProps build() {
            return new TrainingPipelineProps(definition, functions, stateMachineName, logGroupName, logRetention,
                    schedule, scheduleEnabled, scheduleInput);
        }
    }
}
