package dev.flywheel.store.local;

import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.MetadataStoreException;
import dev.flywheel.store.MetadataTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The embedded metadata store: one SQLite database file.
 *
 * <p>Why SQLite: it is a real ACID database in one file, durable across processes and crashes (write-ahead log,
 * {@code synchronous=FULL}), and safe under concurrent writers in several processes (its file locks serialise
 * writers; {@code BEGIN IMMEDIATE} takes the write lock before the conditions are read, so a check-then-write
 * can never interleave with another writer). Within this process one connection is shared and guarded by this
 * object's monitor, because a JDBC connection is not thread-safe.
 */
public final class SqliteMetadataTable implements MetadataTable {
    private static final int BUSY_TIMEOUT_MILLIS = 60_000;

    private final Connection connection;
    private final Path file;

    private SqliteMetadataTable(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) the database at {@code file}. */
    public static SqliteMetadataTable open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (var statement = connection.createStatement()) {
                statement.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS items (
                          pk TEXT NOT NULL,
                          sk TEXT NOT NULL,
                          revision INTEGER NOT NULL,
                          body TEXT NOT NULL,
                          PRIMARY KEY (pk, sk)
                        ) WITHOUT ROWID""");
            }
            return new SqliteMetadataTable(file, connection);
        } catch (SQLException e) {
            throw new MetadataStoreException("cannot open the metadata database " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<Item> get(String pk, String sk) {
        try {
            return read(pk, sk);
        } catch (SQLException e) {
            throw failure("get", e);
        }
    }

    @Override
    public synchronized List<Item> query(String pk, String skPrefix, boolean descending, int limit) {
        String sql = "SELECT pk, sk, revision, body FROM items WHERE pk = ? AND sk >= ? AND sk < ? ORDER BY sk "
                + (descending ? "DESC" : "ASC") + (limit > 0 ? " LIMIT " + limit : "");
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, pk);
            statement.setString(2, skPrefix);
            statement.setString(3, skPrefix + Character.MAX_VALUE);
            List<Item> items = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    items.add(new Item(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getString(4)));
                }
            }
            return items;
        } catch (SQLException e) {
            throw failure("query", e);
        }
    }

    @Override
    public synchronized void write(List<Write> writes) {
        MetadataTable.checkWrites(writes);
        try {
            // The write lock is taken before the conditions are read, and held only for this transaction:
            // between writes the connection holds no lock, so other processes can read and write freely.
            execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw failure("write", e);
        }
        try {
            for (Write write : writes) {
                Optional<Item> current = read(write.pk(), write.sk());
                if (!holds(write.condition(), current)) {
                    throw new ConditionFailedException("condition " + write.condition() + " failed on ("
                            + write.pk() + ", " + write.sk() + ")");
                }
            }
            for (Write write : writes) {
                apply(write);
            }
            execute("COMMIT");
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure("write", e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private Optional<Item> read(String pk, String sk) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pk, sk, revision, body FROM items WHERE pk = ? AND sk = ?")) {
            statement.setString(1, pk);
            statement.setString(2, sk);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Item(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getString(4)));
            }
        }
    }

    private void apply(Write write) throws SQLException {
        if (write instanceof Put put) {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO items (pk, sk, revision, body) VALUES (?, ?, 1, ?)
                    ON CONFLICT (pk, sk) DO UPDATE SET revision = revision + 1, body = excluded.body""")) {
                statement.setString(1, put.pk());
                statement.setString(2, put.sk());
                statement.setString(3, put.body());
                statement.executeUpdate();
            }
        } else if (write instanceof Delete) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM items WHERE pk = ? AND sk = ?")) {
                statement.setString(1, write.pk());
                statement.setString(2, write.sk());
                statement.executeUpdate();
            }
        }
    }

    static boolean holds(Condition condition, Optional<Item> current) {
        if (condition instanceof Condition.Any) {
            return true;
        }
        if (condition instanceof Condition.Absent) {
            return current.isEmpty();
        }
        long expected = ((Condition.AtRevision) condition).expected();
        return current.isPresent() && current.get().revision() == expected;
    }

    private void execute(String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the original failure is the one worth reporting
        }
    }

    private MetadataStoreException failure(String operation, SQLException e) {
        return new MetadataStoreException("metadata " + operation + " failed on " + file + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }
}
