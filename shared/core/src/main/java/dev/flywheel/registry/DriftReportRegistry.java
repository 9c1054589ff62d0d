package dev.flywheel.registry;

import dev.flywheel.domain.DriftReport;
import dev.flywheel.json.Json;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Put;
import java.util.List;
import java.util.Optional;

/** Drift reports, by id and per model (newest first). Reports are immutable once written. */
public final class DriftReportRegistry {
    private final MetadataTable table;

    public DriftReportRegistry(MetadataTable table) {
        this.table = table;
    }

    /** @throws dev.flywheel.store.ConditionFailedException if a report with that id exists */
    public DriftReport add(DriftReport report) {
        String body = Json.write(report);
        table.write(List.of(
                new Put(Keys.driftReport(report.id()), "REPORT", body, Condition.ABSENT),
                new Put(Keys.drift(report.model()), report.createdAt() + "#" + report.id(), body, Condition.ABSENT)));
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
        return table.query(Keys.drift(model), "", true, limit).stream()
                .map(item -> Json.read(item.body(), DriftReport.class)).toList();
    }
}
