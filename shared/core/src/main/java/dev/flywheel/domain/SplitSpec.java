package dev.flywheel.domain;

import java.util.List;

/**
 * How a model's rows are split into train, validation and test: by a stable hash of each row's identity, salted
 * per model. Neither a training seed nor the arrival of new rows moves a row; with the same spec, a row that was
 * in the test set once is in it for good. Recorded on every model version, so that a later challenger can tell
 * which of its test rows the champion never trained on.
 *
 * @param scheme          the hash scheme ({@value #SCHEME}): sha256 of the salt, a NUL byte and the identity
 * @param salt            per model (its name by default), never per run
 * @param validation      share of rows in validation (used for early stopping, so seen in training)
 * @param test            share of rows in test: the rows whose hash falls in {@code [0, test)}
 * @param identityColumns the columns whose canonical values identify a row, in this order
 * @param fromContent     true when the identity is the row's whole canonical content (no id column was named)
 */
public record SplitSpec(String scheme, String salt, double validation, double test, List<String> identityColumns,
                        boolean fromContent) {
    public static final String SCHEME = "sha256-v1";

    public SplitSpec {
        Require.text(scheme, "split scheme");
        Require.text(salt, "split salt");
        if (!(validation > 0) || !(test > 0) || validation + test >= 0.9) {
            throw new InvalidRecordException("split validation and test must be positive and leave at least 10% of "
                    + "rows for training, got " + validation + " and " + test);
        }
        Require.notEmpty(identityColumns, "split identity columns");
        identityColumns = List.copyOf(identityColumns);
    }
}
