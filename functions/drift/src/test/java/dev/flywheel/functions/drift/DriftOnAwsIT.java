package dev.flywheel.functions.drift;

import dev.flywheel.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.json.Json;
import dev.flywheel.monitoring.CaptureWindows;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.monitoring.DriftSteps;
import dev.flywheel.monitoring.MonitoredModel;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsClients;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.store.aws.DynamoDbMetadataTable;
import dev.flywheel.testing.AwsEmulator;
import dev.flywheel.testing.AwsEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's plan, profile, score and decide steps on S3 and DynamoDB (moto's server, or LocalStack), with the
 * artifacts under a key prefix: the manifest is read at the key the Distributed Map's ItemReader is given, and the
 * items it lists go back to the profile step as S3 keys.
 */
@ExtendWith(AwsEmulatorExtension.class)
class DriftOnAwsIT {
    @Test
    void planProfileScoreDecide_onS3AndDynamoDb(AwsEmulator emulator) {
        String bucket = "flywheel-" + UUID.randomUUID();
        String table = "flywheel-" + UUID.randomUUID();
        FlywheelConfig base = emulator.config(bucket, table);
        FlywheelConfig config = FlywheelConfig.from(Map.of(
                FlywheelConfig.MODE, "aws",
                FlywheelConfig.BUCKET, bucket,
                FlywheelConfig.TABLE, table,
                FlywheelConfig.REGION, "us-east-1",
                FlywheelConfig.ENDPOINT, emulator.endpoint().toString(),
                FlywheelConfig.ARTIFACT_PREFIX, "team-a"));
        AwsClients clients = AwsClients.create(base);
        clients.s3().createBucket(b -> b.bucket(bucket));
        new DynamoDbMetadataTable(clients.dynamoDb(), table).createTableIfMissing();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T06:00:00Z"));
        try (Stores stores = AwsStores.open(config, clock)) {
            MonitoredModel.registerChampion(stores, "churn");
            CaptureWindows.Written written = CaptureWindows.writeDriftedWindow(stores.artifacts());
            DriftMonitor monitor = new DriftMonitor(stores, clock);

            DriftSteps.Plan plan = monitor.plan(new DriftSteps.MonitorInput("churn", null, null,
                    CaptureWindows.SINCE.toString(), CaptureWindows.UNTIL.toString(), null, null, null, null));
            assertThat(plan.manifestKey()).startsWith("team-a/drift/churn/runs/").endsWith("/manifest.json");
            // what the ItemReader does: s3:getObject of the bucket and key it is given
            JsonNode manifest = Json.tree(clients.s3().getObjectAsBytes(b -> b.bucket(bucket)
                    .key(plan.manifestKey())).asString(StandardCharsets.UTF_8));
            List<String> keys = new ArrayList<>();
            manifest.forEach(n -> keys.add(n.path("key").asText()));
            assertThat(keys).containsExactlyInAnyOrderElementsOf(written.inWindow());
            assertThat(plan.files()).isEqualTo(5);

            long rows = 0;
            List<String> unreadable = new ArrayList<>();
            for (List<String> batch : List.of(keys.subList(0, 2), keys.subList(2, keys.size()))) {
                // the items as the Map hands them over: S3 keys under the prefix
                List<DriftSteps.Item> items = batch.stream().map(k -> new DriftSteps.Item("team-a/" + k)).toList();
                DriftSteps.Partial partial = monitor.profile(new DriftSteps.ProfileRequest(items, plan));
                rows += partial.rows();
                unreadable.addAll(partial.unreadable());
            }
            assertThat(rows).isEqualTo(150);
            assertThat(unreadable).containsExactlyInAnyOrder(written.garbage(), written.truncated());

            DriftSteps.Scored scored = monitor.score(new DriftSteps.ScoreRequest(plan, null));
            assertThat(scored.drifted()).isTrue();
            assertThat(scored.rows()).isEqualTo(150);
            assertThat(scored.reportUri()).isEqualTo("s3://" + bucket + "/team-a/drift/churn/reports/"
                    + scored.reportId() + "/report.html");
            assertThat(clients.s3().headObject(b -> b.bucket(bucket).key("team-a/drift/churn/reports/"
                    + scored.reportId() + "/report.json")).contentLength()).isPositive();

            DriftSteps.Decision decision = monitor.decide(new DriftSteps.DecideRequest(scored,
                    new DriftSteps.MonitorInput("churn", null, null, null, null, null, null, null,
                            new DriftSteps.Retrain(Json.tree("{\"model\": \"churn\"}"), null, null))));
            assertThat(decision.action()).isEqualTo("retrain");
            String source = decision.pipelineInput().path("ingest").path("source").asText();
            assertThat(source).isEqualTo("s3://" + bucket + "/team-a/drift/churn/retrain/" + scored.reportId()
                    + ".jsonl");
            String exported = clients.s3().getObjectAsBytes(b -> b.bucket(bucket).key("team-a/drift/churn/retrain/"
                    + scored.reportId() + ".jsonl")).asString(StandardCharsets.UTF_8);
            assertThat(exported.lines()).hasSize(written.retrainRows());
        }

        // read back from DynamoDB through fresh clients
        try (Stores fresh = AwsStores.open(config, Clock.systemUTC())) {
            List<DriftReport> reports = fresh.registries().driftReports().list("churn", 0);
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).sampleSize()).isEqualTo(150);
            assertThat(reports.get(0).drifted()).isTrue();
            List<DriftDecision> decisions = fresh.registries().driftReports().decisions("churn", 0);
            assertThat(decisions).extracting(DriftDecision::action).containsExactly(
                    DriftDecision.Action.RETRAIN_STARTED);
            assertThat(decisions.get(0).championBefore()).isEqualTo(1);
            assertThat(fresh.registries().driftReports().lastRetraining("churn")).isPresent();
        }
    }
}
