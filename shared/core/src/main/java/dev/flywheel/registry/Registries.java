package dev.flywheel.registry;

import dev.flywheel.store.MetadataTable;
import java.time.Clock;

/** Every registry, over one metadata table. */
public record Registries(MetadataTable table, DatasetRegistry datasets, RunRegistry runs, ModelRegistry models,
                         DriftReportRegistry driftReports, ExecutionRegistry executions) implements AutoCloseable {

    public static Registries over(MetadataTable table, Clock clock) {
        return new Registries(table, new DatasetRegistry(table), new RunRegistry(table),
                new ModelRegistry(table, clock), new DriftReportRegistry(table), new ExecutionRegistry(table));
    }

    @Override
    public void close() {
        table.close();
    }
}
