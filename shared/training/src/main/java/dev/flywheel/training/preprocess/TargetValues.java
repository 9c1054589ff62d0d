package dev.flywheel.training.preprocess;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.data.Values;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** What the target column holds: the task it suggests, its classes, or its numbers for regression. */
final class TargetValues {
    static final int MAX_REGRESSION_CLASSES = 20;

    private TargetValues() {
    }

    static MlTask inferTask(Column target, Collection<String> values) {
        TreeSet<String> distinct = new TreeSet<>(values);
        distinct.remove("");
        if (target.type() == ColumnType.NUMERIC && distinct.size() > MAX_REGRESSION_CLASSES) {
            return MlTask.REGRESSION;
        }
        return distinct.size() == 2 ? MlTask.BINARY : MlTask.MULTICLASS;
    }

    static List<String> classes(Column target, ColumnStore.CodedColumn targetColumn, MlTask task) {
        TreeSet<String> distinct = new TreeSet<>(targetColumn.dictionary());
        distinct.remove("");
        List<String> classes = List.copyOf(distinct);
        if (classes.size() < 2) {
            throw new InvalidInputException("target '" + target.name() + "' has " + classes.size()
                    + " class(es): classification needs at least two");
        }
        if (task == MlTask.BINARY && classes.size() != 2) {
            throw new InvalidInputException("task 'binary' needs exactly two classes, target '" + target.name()
                    + "' has " + classes.size() + ": " + abbreviate(classes) + "; use task 'multiclass'");
        }
        return classes;
    }

    /** The regression target as numbers; fails on the first row (in file order) whose target is not a number. */
    static double[] regressionTarget(Column target, ColumnStore.CodedColumn column) {
        double[] numberOfCode = new double[column.dictionary().size()];
        for (int code = 0; code < numberOfCode.length; code++) {
            Double d = Values.number(column.dictionary().get(code));
            numberOfCode[code] = d == null ? Double.NaN : d;
        }
        int[] codes = column.codes();
        double[] y = new double[codes.length];
        for (int r = 0; r < codes.length; r++) {
            y[r] = numberOfCode[codes[r]];
            if (Double.isNaN(y[r])) {
                throw new InvalidInputException("task 'regression' needs a numeric target, but '" + target.name()
                        + "' has the value '" + column.text(r) + "'");
            }
        }
        return y;
    }

    private static String abbreviate(List<String> values) {
        return values.size() > 10 ? values.subList(0, 10) + "..." : values.toString();
    }
}
