package dev.flywheel.training.preprocess;

import dev.flywheel.training.steps.PreprocessRequest;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.training.DataValidationException;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.data.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The split of a dataset into train, validation and test ({@link RowSplitter} assigns each row), and the checks
 * that every part, and every class, has rows in it.
 */
final class DatasetSplit {
    private DatasetSplit() {
    }

    /**
     * The model's split: salted by {@code split.salt} or else the model name, identified by the columns the user
     * named as the row identity or else by the row's whole canonical content.
     */
    static SplitSpec spec(PreprocessRequest request, Schema schema) {
        PreprocessRequest.SplitConfig config = request.split() == null ? PreprocessRequest.SplitConfig.DEFAULT
                : request.split();
        String salt = config.salt() != null && !config.salt().isBlank() ? config.salt() : request.model();
        if (salt == null || salt.isBlank()) {
            throw new InvalidInputException("model is required (its name salts the split), or set split.salt");
        }
        double validation = config.validationOrDefault();
        double test = config.testOrDefault();
        if (!(validation > 0) || !(test > 0) || validation + test >= 0.9) {
            throw new InvalidInputException("split.validation and split.test must be positive and leave at least "
                    + "10% of rows for training, got " + validation + " and " + test);
        }
        boolean fromContent = schema.identity().isEmpty();
        return new SplitSpec(SplitSpec.SCHEME, salt, validation, test,
                fromContent ? schema.names() : schema.identity(), fromContent);
    }

    /** The rows of each part, in file order. */
    static int[][] parts(byte[] partOfRow) {
        int[] sizes = new int[3];
        for (byte p : partOfRow) {
            sizes[p]++;
        }
        int[][] parts = {new int[sizes[0]], new int[sizes[1]], new int[sizes[2]]};
        int[] filled = new int[3];
        for (int r = 0; r < partOfRow.length; r++) {
            parts[partOfRow[r]][filled[partOfRow[r]]++] = r;
        }
        return parts;
    }

    static void checkParts(int[][] parts, int rows, SplitSpec split) {
        for (int p = 0; p < 3; p++) {
            if (parts[p].length == 0) {
                throw new DataValidationException("the dataset has " + rows + " rows and none of them falls in the "
                        + RowSplitter.PART_NAMES.get(p) + " split (validation " + percent(split.validation())
                        + ", test " + percent(split.test()) + "): supply at least " + rowsNeeded(split)
                        + " rows");
            }
        }
    }

    /**
     * Every class must reach train, validation and test: a class absent from validation or test leaves early
     * stopping or the test metrics undefined for it.
     */
    static void checkClassesInEveryPart(Column target, ColumnStore.CodedColumn column, byte[] partOfRow,
                                        SplitSpec split) {
        Map<String, long[]> counts = new TreeMap<>();
        int[] codes = column.codes();
        for (int r = 0; r < codes.length; r++) {
            String label = column.dictionary().get(codes[r]);
            if (!label.isEmpty()) {
                counts.computeIfAbsent(label, k -> new long[3])[partOfRow[r]]++;
            }
        }
        List<String> problems = new ArrayList<>();
        counts.forEach((label, c) -> {
            if (c[0] == 0 || c[1] == 0 || c[2] == 0) {
                long total = c[0] + c[1] + c[2];
                problems.add(String.format(Locale.ROOT, "'%s' has %d row%s: %d train, %d validation, %d test", label,
                        total, total == 1 ? "" : "s", c[0], c[1], c[2]));
            }
        });
        if (!problems.isEmpty()) {
            throw new DataValidationException("target '" + target.name() + "': a class is missing from a split, so "
                    + "the model could not be validated or tested on it: " + String.join("; ", problems)
                    + ". Rows are assigned by a stable hash of their identity (validation " + percent(split.validation())
                    + ", test " + percent(split.test()) + "): each class needs about " + rowsNeeded(split)
                    + " rows to reach every split; add rows of those classes or leave them out of the file");
        }
    }

    /** Rows that reach the smallest split with 99% probability. */
    static long rowsNeeded(SplitSpec split) {
        double p = Math.min(split.validation(), split.test());
        return (long) Math.ceil(Math.log(0.01) / Math.log(1 - p));
    }

    private static String percent(double share) {
        return Values.canonicalNumber(Math.round(share * 1000) / 10.0) + "%";
    }
}
