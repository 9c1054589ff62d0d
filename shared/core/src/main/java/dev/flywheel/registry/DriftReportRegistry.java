package dev.flywheel.registry;

import dev.flywheel.domain.DriftDecision;
import dev.flywheel.domain.DriftReport;
import dev.flywheel.json.Json;
import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Put;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Drift reports (by id, and per model newest first; immutable once written), the monitor's decisions per model
 * (append-only), and the one retraining claim per model that enforces the cooldown: claiming compares and sets
 * the claim's revision, so two monitors that see drift at once start one retraining between them.
 */
public final class DriftReportRegistry {
    private static final String REPORT = "REPORT#";
    private static final String DECISION = "DECISION#";
    private static final String RETRAIN = "RETRAIN";

    private final MetadataTable table;

    public DriftReportRegistry(MetadataTable table) {
        this.table = table;
    }

    /** @throws dev.flywheel.store.ConditionFailedException if a report with that id exists */
    public DriftReport add(DriftReport report) {
        String body = Json.write(report);
        table.write(List.of(
                new Put(Keys.driftReport(report.id()), "REPORT", body, Condition.ABSENT),
                new Put(Keys.drift(report.model()), REPORT + report.createdAt() + "#" + report.id(), body,
                        Condition.ABSENT)));
        return report;
    }

    public Optional<DriftReport> find(String id) {
        return table.get(Keys.driftReport(id), "REPORT").map(item -> Json.read(item.body(), DriftReport.class));
    }

    public DriftReport get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("no drift report with id '" + id + "'"));
    }

    /** @param limit 0 for all */
    public List<DriftReport> list(String model, int limit) {
        return table.query(Keys.drift(model), REPORT, true, limit).stream()
                .map(item -> Json.read(item.body(), DriftReport.class)).toList();
    }

    /** Records a decision that starts nothing (no drift, no verdict, cooldown, not configured, an outcome). */
    public DriftDecision decide(DriftDecision decision) {
        table.write(decisionPut(decision));
        return decision;
    }

    /**
     * Records {@code decision} (a RETRAIN_STARTED) and claims the model's retraining, unless a retraining was
     * claimed less than {@code cooldown} before {@code decision.at()}: then nothing is written.
     *
     * @return empty when claimed; else when the retraining that holds the cooldown was claimed
     */
    public Optional<Instant> claimRetraining(DriftDecision decision, Duration cooldown) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<MetadataTable.Item> claim = table.get(Keys.drift(decision.model()), RETRAIN);
            if (claim.isPresent()) {
                Instant last = Json.read(claim.get().body(), DriftDecision.class).at();
                if (decision.at().isBefore(last.plus(cooldown))) {
                    return Optional.of(last);
                }
            }
            try {
                table.write(List.of(new Put(Keys.drift(decision.model()), RETRAIN, Json.write(decision),
                        Condition.expecting(claim.map(MetadataTable.Item::revision).orElse(0L))),
                        decisionPut(decision)));
                return Optional.empty();
            } catch (ConditionFailedException e) {
                // another monitor claimed first: read its claim and judge again
            }
        }
        throw new ConditionFailedException("the retraining claim of model '" + decision.model()
                + "' kept changing while it was read; try again");
    }

    /**
     * Gives up the retraining claim that {@code started} made (its retraining failed or never started), so that the
     * next drift may retrain; a claim made since by another decision is left alone.
     */
    public void releaseRetraining(DriftDecision started) {
        table.get(Keys.drift(started.model()), RETRAIN).ifPresent(item -> {
            DriftDecision claim = Json.read(item.body(), DriftDecision.class);
            if (claim.id().equals(started.id())) {
                try {
                    table.write(new MetadataTable.Delete(Keys.drift(started.model()), RETRAIN,
                            Condition.revision(item.revision())));
                } catch (ConditionFailedException e) {
                    // claimed again meanwhile: that claim stands
                }
            }
        });
    }

    /** When the model's last retraining was claimed, if ever. */
    public Optional<Instant> lastRetraining(String model) {
        return table.get(Keys.drift(model), RETRAIN).map(item -> Json.read(item.body(), DriftDecision.class).at());
    }

    /** @param limit 0 for all; newest first */
    public List<DriftDecision> decisions(String model, int limit) {
        return table.query(Keys.drift(model), DECISION, true, limit).stream()
                .map(item -> Json.read(item.body(), DriftDecision.class)).toList();
    }

    private static Put decisionPut(DriftDecision decision) {
        return new Put(Keys.drift(decision.model()), DECISION + decision.at() + "#" + decision.id(),
                Json.write(decision), Condition.ABSENT);
    }
}
