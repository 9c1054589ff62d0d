package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.sns.Topic;

/** The loop's alarms and dashboard, built on a stand-in loop, with and without a topic to notify. */
class LoopMonitoringTest {

    private static Template synthesize(boolean withTopic) {
        Stack stack = new Stack(new App(), "LoopMonitoringTest");
        TestFixtures.Loop loop = TestFixtures.Loop.in(stack);
        DriftMonitor monitor = new DriftMonitor(stack, "DriftMonitor", loop.driftMonitor("test-drift").build());
        ServingApi serving = new ServingApi(stack, "Serving", loop.serving("test-inference").build());
        List<IAlarm> owned = new ArrayList<>(serving.alarms());
        owned.add(monitor.failedAlarm());
        LoopMonitoring monitoring = new LoopMonitoring(stack, "Monitoring", LoopMonitoringProps.builder()
                .dashboardName("test-loop")
                .training(loop.training().stateMachine())
                .monitor(monitor.stateMachine())
                .api(serving.api())
                .inference(serving.alias())
                .otherAlarms(owned)
                .topic(withTopic ? new Topic(stack, "Topic") : null)
                .build());
        assertThat(monitoring.alarms()).hasSize(4);
        return Template.fromStack(stack);
    }

    @Test
    void withATopic_everyAlarmOfTheLoopNotifiesIt_andOneDashboardShowsThemAll() {
        Template template = synthesize(true);
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");
        assertThat(alarms).hasSize(7).allSatisfy((id, alarm) -> assertThat(alarm.toString())
                .as(id).contains("AlarmActions=[{Ref=Topic"));
        template.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "test-loop"));
        String body = template.findResources("AWS::CloudWatch::Dashboard").values().iterator().next().toString();
        assertThat(body).contains("Training executions", "Drift monitor executions", "Drift detected",
                "Inference API requests and errors", "Inference API latency", "Inference function", "Alarms");
        for (String id : alarms.keySet()) {
            assertThat(body).as("the alarm status widget lists " + id).contains(id);
        }
    }

    @Test
    void withoutATopic_theAlarmsExistAndNotifyNobody() {
        Map<String, Map<String, Object>> alarms = synthesize(false).findResources("AWS::CloudWatch::Alarm");
        assertThat(alarms).hasSize(7).allSatisfy((id, alarm) -> assertThat(alarm.toString())
                .as(id).doesNotContain("AlarmActions"));
    }
}
