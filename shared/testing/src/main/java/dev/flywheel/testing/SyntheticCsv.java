package dev.flywheel.testing;

import dev.flywheel.domain.MlTask;
import dev.flywheel.data.SyntheticDataGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small seeded CSV files for handler tests: columns x0..x5, c0, c1 and {@code target}. */
public final class SyntheticCsv {
    private SyntheticCsv() {
    }

    /** Writes {@code rows} rows of {@link SyntheticDataGenerator} data to {@code dir/name}. */
    public static Path write(Path dir, String name, MlTask task, long rows, long seed) {
        Path file = dir.resolve(name);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            SyntheticDataGenerator.of(seed, task).write(out, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
