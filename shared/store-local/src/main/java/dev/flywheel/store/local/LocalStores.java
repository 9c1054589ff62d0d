package dev.flywheel.store.local;

import dev.flywheel.registry.Registries;
import dev.flywheel.store.Stores;
import java.nio.file.Path;
import java.time.Clock;

/** Stores in a local home folder: artifacts under {@code artifacts/}, metadata in {@code metadata.db} (SQLite). */
public final class LocalStores {
    private LocalStores() {
    }

    public static Stores open(Path home, Clock clock) {
        return new Stores(LocalArtifactStore.open(home.resolve("artifacts")),
                Registries.over(SqliteMetadataTable.open(home.resolve("metadata.db")), clock));
    }
}
