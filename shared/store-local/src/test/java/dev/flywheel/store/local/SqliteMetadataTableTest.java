package dev.flywheel.store.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTableContract;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Put;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataTableTest extends MetadataTableContract {
    @TempDir
    Path dir;
    private SqliteMetadataTable table;

    @Override
    protected MetadataTable table() {
        if (table == null) {
            table = SqliteMetadataTable.open(dir.resolve("metadata.db"));
        }
        return table;
    }

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    @Test
    void data_survivesClosingAndReopening() {
        table().write(new Put("P", "S", "{\"kept\":true}", Condition.ABSENT));
        table.close();
        table = SqliteMetadataTable.open(dir.resolve("metadata.db"));
        assertThat(table.get("P", "S").orElseThrow().body()).isEqualTo("{\"kept\":true}");
    }
}
