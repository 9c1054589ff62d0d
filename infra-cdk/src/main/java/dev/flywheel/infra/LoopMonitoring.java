package dev.flywheel.infra;

import java.util.ArrayList;
import java.util.List;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The loop's alarms and its dashboard: a training execution that failed, drift detected (the drift function's
 * {@code Flywheel/Drift} metric over all models), the inference API's 5xx responses and p99 latency; with the
 * drift monitor's and the rollout's own alarms, all on one CloudWatch dashboard beside the executions, the drift
 * metrics, the API's traffic and the inference function. When a topic is given every alarm notifies it.
 */
public final class LoopMonitoring extends Construct {
    /** The API's p99 latency, in milliseconds, above which the latency alarm fires. */
    static final double API_P99_MILLIS = 2000;

    private final List<Alarm> alarms = new ArrayList<>();
    private final Dashboard dashboard;

    public LoopMonitoring(Construct scope, String id, LoopMonitoringProps props) {
        super(scope, id);
        IStateMachine training = props.training();
        IStateMachine monitor = props.monitor();
        RestApi api = props.api();
        IAlias inference = props.inference();
        List<IAlarm> otherAlarms = props.otherAlarms();
        ITopic topic = props.topic();
        Metric drift = new Metric(software.amazon.awscdk.services.cloudwatch.MetricProps.builder()
                .namespace("Flywheel/Drift").metricName("DriftDetected").statistic("Maximum")
                .period(Duration.hours(1)).build());
        Metric degraded = new Metric(software.amazon.awscdk.services.cloudwatch.MetricProps.builder()
                .namespace("Flywheel/Drift").metricName("PerformanceDegraded").statistic("Maximum")
                .period(Duration.hours(1)).build());
        alarms.add(alarm("TrainingFailedAlarm", "A training pipeline execution failed (flywheel executions list "
                + "shows it and its cause)", training.metricFailed(), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1));
        alarms.add(alarm("DriftDetectedAlarm", "The drift monitor found drift in a model's traffic (flywheel drift "
                + "reports MODEL: the report, and whether it retrained)", drift, 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1));
        alarms.add(alarm("ApiErrorsAlarm", "The inference API answered 5xx responses", api.metricServerError(
                MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()), 5,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1));
        alarms.add(alarm("ApiLatencyAlarm", "The inference API's p99 latency is above " + (int) API_P99_MILLIS
                + " ms", api.metricLatency(MetricOptions.builder().period(Duration.minutes(5)).statistic("p99")
                .build()), API_P99_MILLIS, ComparisonOperator.GREATER_THAN_THRESHOLD, 3));
        if (topic != null) {
            SnsAction action = new SnsAction(topic);
            alarms.forEach(a -> a.addAlarmAction(action));
            otherAlarms.forEach(a -> {
                if (a instanceof Alarm alarm) {
                    alarm.addAlarmAction(action);
                }
            });
        }
        List<IAlarm> all = new ArrayList<>(alarms);
        all.addAll(otherAlarms);

        dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(props.dashboardName()).build();
        dashboard.addWidgets(TextWidget.Builder.create().width(24).height(1)
                .markdown("## Flywheel: train → serve → monitor → retrain").build());
        dashboard.addWidgets(AlarmStatusWidget.Builder.create().title("Alarms").alarms(all).width(24).build());
        dashboard.addWidgets(
                graph("Training executions", List.of(training.metricStarted(), training.metricSucceeded(),
                        training.metricFailed())),
                graph("Drift monitor executions", List.of(monitor.metricStarted(), monitor.metricSucceeded(),
                        monitor.metricFailed())),
                graph("Drift detected / performance degraded (any model)", List.of(drift, degraded)));
        dashboard.addWidgets(
                graph("Inference API requests and errors", List.of(api.metricCount(), api.metricClientError(),
                        api.metricServerError())),
                graph("Inference API latency (p50, p99)", List.of(
                        api.metricLatency(MetricOptions.builder().statistic("p50").build()),
                        api.metricLatency(MetricOptions.builder().statistic("p99").build()))),
                graph("Inference function (live alias)", List.of(inference.metricInvocations(),
                        inference.metricErrors(), inference.metricDuration(MetricOptions.builder().statistic("p99")
                                .build()))));
    }

    private Alarm alarm(String id, String description, IMetric metric, double threshold, ComparisonOperator operator,
                        int periods) {
        return Alarm.Builder.create(this, id).alarmDescription(description).metric(metric).threshold(threshold)
                .evaluationPeriods(periods).comparisonOperator(operator)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(List.copyOf(metrics)).width(8).height(6).build();
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    public Dashboard dashboard() {
        return dashboard;
    }
}
