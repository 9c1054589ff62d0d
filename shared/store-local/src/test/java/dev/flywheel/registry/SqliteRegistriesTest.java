package dev.flywheel.registry;

import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteRegistriesTest extends RegistriesContract {
    @TempDir
    Path dir;

    @Override
    protected MetadataTable table() {
        return SqliteMetadataTable.open(dir.resolve("metadata.db"));
    }
}
