package dev.flywheel.infra;

import java.util.List;
import java.util.Objects;

import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * Settings of the {@link LoopMonitoring}.
 *
 * @param dashboardName the CloudWatch dashboard's name
 * @param training      the training pipeline (its failed executions alarm)
 * @param monitor       the drift monitor (its executions on the dashboard)
 * @param api           the inference API (5xx and p99 latency alarms)
 * @param inference     the inference function's live alias (on the dashboard)
 * @param otherAlarms   alarms other constructs own (the drift monitor's, the rollout's): shown, and notified
 * @param topic         where every alarm notifies, or null for none
 */
public record LoopMonitoringProps(String dashboardName, IStateMachine training, IStateMachine monitor, RestApi api,
                                  IAlias inference, List<IAlarm> otherAlarms, ITopic topic) {
    public LoopMonitoringProps {
        Objects.requireNonNull(dashboardName, "dashboardName");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(inference, "inference");
        otherAlarms = List.copyOf(otherAlarms == null ? List.of() : otherAlarms);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String dashboardName;
        private IStateMachine training;
        private IStateMachine monitor;
        private RestApi api;
        private IAlias inference;
        private List<IAlarm> otherAlarms = List.of();
        private ITopic topic;

        private Builder() {
        }

        public Builder dashboardName(String name) {
            this.dashboardName = name;
            return this;
        }

        public Builder training(IStateMachine trainingPipeline) {
            this.training = trainingPipeline;
            return this;
        }

        public Builder monitor(IStateMachine driftMonitor) {
            this.monitor = driftMonitor;
            return this;
        }

        public Builder api(RestApi inferenceApi) {
            this.api = inferenceApi;
            return this;
        }

        public Builder inference(IAlias inferenceAlias) {
            this.inference = inferenceAlias;
            return this;
        }

        public Builder otherAlarms(List<? extends IAlarm> alarms) {
            this.otherAlarms = List.copyOf(alarms);
            return this;
        }

        public Builder topic(ITopic alarmTopic) {
            this.topic = alarmTopic;
            return this;
        }

        public LoopMonitoringProps build() {
            return new LoopMonitoringProps(dashboardName, training, monitor, api, inference, otherAlarms, topic);
        }
    }
}
