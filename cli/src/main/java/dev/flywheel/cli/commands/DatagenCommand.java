package dev.flywheel.cli.commands;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.data.SyntheticDataGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "datagen", mixinStandardHelpOptions = true,
        description = "Write seeded synthetic mixed numeric/categorical data with a known target, optionally shifted (for drift).")
public final class DatagenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--rows", required = true, paramLabel = "N", description = "How many data rows (at least 1).")
    long rows;
    @Option(names = "--shift", defaultValue = "0.0", paramLabel = "X",
            description = "Covariate shift: moves numeric means by X and skews category frequencies (default: ${DEFAULT-VALUE}).")
    double shift;
    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of the generator: the same seed and shift give the same rows, and more rows extend "
                    + "fewer (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--task", defaultValue = "binary", paramLabel = "TASK", description = "binary, multiclass or regression (default: ${DEFAULT-VALUE}).")
    String task;
    @Option(names = "--numeric", defaultValue = "6", paramLabel = "N", description = "Numeric columns (default: ${DEFAULT-VALUE}).")
    int numeric;
    @Option(names = "--categorical", defaultValue = "2", paramLabel = "N", description = "Categorical columns (default: ${DEFAULT-VALUE}).")
    int categorical;
    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The CSV file to write, in an existing folder.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (rows < 1) {
            throw new ParameterException(spec.commandLine(), "--rows must be at least 1, got " + rows);
        }
        if (numeric < 1 || categorical < 0) {
            throw new ParameterException(spec.commandLine(), "--numeric must be at least 1 and --categorical at least 0");
        }
        MlTask parsed;
        try {
            parsed = MlTask.parse(task);
        } catch (InvalidInputException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": the folder " + parent
                    + " does not exist; create it first");
        }
        if (Files.isDirectory(out)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " is a folder: name a file");
        }
        SyntheticDataGenerator generator = new SyntheticDataGenerator(seed, parsed, numeric, categorical, shift);
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            generator.write(writer, rows);
        }
        System.err.printf("wrote %d rows (%s, shift %.2f, seed %d) to %s; target column: target%n", rows, task, shift, seed, out);
        return 0;
    }
}
