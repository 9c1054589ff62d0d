package dev.flywheel.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.Code;

/**
 * Settings of a {@link FlywheelStack}: one deployment (stage) of Flywheel's training side.
 *
 * @param stage                  the stage name, lower case ({@code dev}, {@code prod}): part of the stack, state
 *                               machine and log group names, so stages can share an account
 * @param env                    the account and region, or null for an environment-agnostic stack
 * @param moduleCode             the deployment package of each function module, by module
 *                               ({@link PipelineFunctions#MODULES})
 * @param codeVersion            recorded on runs and model versions (a git commit), or empty
 * @param definition             the training pipeline's ASL definition
 * @param dataStore              the data store's settings
 * @param schedule               when to retrain
 * @param scheduleEnabled        whether scheduled retraining is on
 * @param scheduleInput          the execution input of scheduled runs
 * @param driftDefinition        the drift monitor's ASL definition
 * @param routes                 the inference API's routes ("METHOD /path"), from docs/openapi.json
 * @param apiKeys                API keys and a usage plan instead of IAM (SigV4) authorisation
 * @param alarmEmail             where the alarms notify (an SNS topic with this subscription), or null for none
 * @param monitorInput           the daily drift monitor's input ({@code {"model": ..., "retrain": {...}}}); empty:
 *                               the monitor's schedule is deployed disabled
 */
public record FlywheelStackProps(
        String stage,
        Environment env,
        Map<String, Code> moduleCode,
        String codeVersion,
        String definition,
        DataStoreProps dataStore,
        Schedule schedule,
        boolean scheduleEnabled,
        Map<String, Object> scheduleInput,
        String driftDefinition,
        Map<String, Object> monitorInput,
        List<String> routes,
        boolean apiKeys,
        String alarmEmail) {

    public FlywheelStackProps {
        Objects.requireNonNull(stage, "stage");
        Stage.of(stage); // checks the name
        Objects.requireNonNull(moduleCode, "moduleCode");
        Objects.requireNonNull(codeVersion, "codeVersion");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(dataStore, "dataStore");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(scheduleInput, "scheduleInput");
        Objects.requireNonNull(driftDefinition, "driftDefinition");
        routes = List.copyOf(Objects.requireNonNull(routes, "routes"));
        moduleCode = Map.copyOf(moduleCode);
        monitorInput = Collections.unmodifiableMap(new LinkedHashMap<>(monitorInput == null ? Map.of() : monitorInput));
        scheduleInput = Collections.unmodifiableMap(new LinkedHashMap<>(scheduleInput));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The stack's name in CloudFormation: {@code Flywheel-<stage>}. */
    public String stackName() {
        return Stage.of(stage).stackName();
    }

    public static final class Builder {
        private String stage = "dev";
        private Environment env;
        private final Map<String, Code> moduleCode = new LinkedHashMap<>();
        private String codeVersion = "";
        private String definition;
        private DataStoreProps dataStore = DataStoreProps.builder().build();
        private Schedule schedule = Schedule.rate(Duration.days(7));
        private boolean scheduleEnabled = true;
        private Map<String, Object> scheduleInput = Map.of("trigger", "schedule");
        private String driftDefinition;
        private Map<String, Object> monitorInput = Map.of();
        private List<String> routes = List.of();
        private boolean apiKeys;
        private String alarmEmail;

        private Builder() {
        }

        public Builder stage(String name) {
            this.stage = name;
            return this;
        }

        public Builder env(Environment environment) {
            this.env = environment;
            return this;
        }

        public Builder moduleCode(Map<String, ? extends Code> codeByModule) {
            this.moduleCode.putAll(codeByModule);
            return this;
        }

        public Builder codeVersion(String version) {
            this.codeVersion = version == null ? "" : version.trim();
            return this;
        }

        public Builder definition(String aslJson) {
            this.definition = aslJson;
            return this;
        }

        public Builder dataStore(DataStoreProps props) {
            this.dataStore = props;
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

        public Builder driftDefinition(String aslJson) {
            this.driftDefinition = aslJson;
            return this;
        }

        public Builder monitorInput(Map<String, ?> input) {
            this.monitorInput = new LinkedHashMap<>(input);
            return this;
        }

        public Builder routes(List<String> apiRoutes) {
            this.routes = apiRoutes;
            return this;
        }

        public Builder alarmEmail(String address) {
            this.alarmEmail = address == null || address.isBlank() ? null : address.trim();
            return this;
        }

        public Builder apiKeys(boolean useApiKeys) {
            this.apiKeys = useApiKeys;
            return this;
        }

        public FlywheelStackProps build() {
            return new FlywheelStackProps(stage, env, moduleCode, codeVersion, definition, dataStore, schedule,
                    scheduleEnabled, scheduleInput, driftDefinition, monitorInput, routes,
                    apiKeys, alarmEmail);
        }
    }
}
