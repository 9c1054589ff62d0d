package dev.flywheel.cli.commands;

import dev.flywheel.ml.MlTask;
import dev.flywheel.ml.data.SyntheticDataGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "datagen", mixinStandardHelpOptions = true,
        description = "Write seeded synthetic mixed numeric/categorical data with a known target, optionally shifted (for drift).")
public final class DatagenCommand implements Callable<Integer> {
    @Option(names = "--rows", required = true, paramLabel = "N")
    long rows;
    @Option(names = "--shift", defaultValue = "0.0", paramLabel = "X",
            description = "Covariate shift: moves numeric means by X and skews category frequencies (default: ${DEFAULT-VALUE}).")
    double shift;
    @Option(names = "--seed", defaultValue = "42", paramLabel = "S")
    long seed;
    @Option(names = "--task", defaultValue = "binary", paramLabel = "TASK", description = "binary, multiclass or regression.")
    String task;
    @Option(names = "--numeric", defaultValue = "6", paramLabel = "N", description = "Numeric columns (default: ${DEFAULT-VALUE}).")
    int numeric;
    @Option(names = "--categorical", defaultValue = "2", paramLabel = "N", description = "Categorical columns (default: ${DEFAULT-VALUE}).")
    int categorical;
    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SyntheticDataGenerator generator = new SyntheticDataGenerator(seed, MlTask.parse(task), numeric, categorical, shift);
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            generator.write(writer, rows);
        }
        System.err.printf("wrote %d rows (%s, shift %.2f, seed %d) to %s; target column: target%n", rows, task, shift, seed, out);
        return 0;
    }
}
