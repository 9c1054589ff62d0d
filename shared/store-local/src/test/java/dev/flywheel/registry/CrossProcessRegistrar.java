package dev.flywheel.registry;

import dev.flywheel.store.local.SqliteMetadataTable;
import dev.flywheel.testing.Fixtures;
import java.nio.file.Path;
import java.time.Clock;

/** Run in a separate JVM by {@link SqliteCrossProcessTest}: registers model versions into a shared database. */
public final class CrossProcessRegistrar {
    private CrossProcessRegistrar() {
    }

    /** Arguments: database file, model name, how many versions, run id prefix. */
    public static void main(String[] args) {
        try (Registries registries = Registries.over(SqliteMetadataTable.open(Path.of(args[0])), Clock.systemUTC())) {
            int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++) {
                int version = registries.models().register(Fixtures.model(args[1], args[3] + "-" + i)).version();
                System.out.println(version);
            }
        }
    }
}
