package dev.flywheel.cli;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.lambda.LambdaErrors;
import dev.flywheel.json.Json;
import java.util.Optional;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Readable tables and JSON on stdout; progress and errors go to stderr. */
public final class Output {
    private Output() {
    }

    public static void json(Object value) {
        System.out.println(Json.writePretty(value));
    }

    /**
     * Prints rows as an aligned table under {@code headers}; the last column is wrapped at word boundaries so that
     * lines fit the terminal ({@code COLUMNS}, else 100 characters).
     */
    public static void table(PrintStream out, List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        int last = widths.length - 1;
        for (List<String> row : all) {
            for (int i = 0; i < last; i++) {
                widths[i] = Math.max(widths[i], cell(row, i).length());
            }
        }
        int indent = 0;
        for (int i = 0; i < last; i++) {
            indent += widths[i] + 2;
        }
        int lastWidth = Math.max(30, terminalWidth() - indent);
        for (List<String> row : all) {
            widths[last] = Math.max(widths[last], Math.min(lastWidth, cell(row, last).length()));
        }
        boolean headed = headers.stream().anyMatch(h -> !h.isBlank());
        for (int r = headed ? 0 : 1; r < all.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < last; i++) {
                line.append(String.format("%-" + widths[i] + "s  ", cell(all.get(r), i)));
            }
            List<String> wrapped = wrap(cell(all.get(r), last), lastWidth);
            out.println((line + wrapped.get(0)).stripTrailing());
            for (String more : wrapped.subList(1, wrapped.size())) {
                out.println(" ".repeat(indent) + more);
            }
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < widths.length; i++) {
                    rule.append("-".repeat(widths[i])).append(i == last ? "" : "  ");
                }
                out.println(rule);
            }
        }
    }

    /**
     * Text cut into lines of at most {@code width} characters at spaces; a word longer than a line (a path, a URI,
     * a hash) is never cut, so that it can be copied: it gets a line of its own.
     */
    public static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    public static int terminalWidth() {
        try {
            int columns = Integer.parseInt(Optional.ofNullable(FlywheelConfig.environment("COLUMNS")).orElse("100"));
            return Math.max(60, columns);
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    public static void table(List<String> headers, List<List<String>> rows) {
        table(System.out, headers, rows);
    }

    private static String cell(List<String> row, int i) {
        return i < row.size() && row.get(i) != null ? row.get(i) : "";
    }

    /**
     * Why an execution that did not succeed ended, in one line: a stopped one (ABORTED) "stopped: CAUSE" or
     * "stopped (no cause given)"; any other "ERROR: MESSAGE" ({@link #failure}).
     */
    public static String ending(ExecutionStatus status, String error, String cause) {
        if (status == ExecutionStatus.ABORTED) {
            return message(cause) == null ? "stopped (no cause given)" : "stopped: " + stoppedCause(cause);
        }
        return failure(error, cause);
    }

    /** Why an execution was stopped, for people: its cause's message, or "(no cause given)". */
    public static String stoppedCause(String cause) {
        String why = message(cause);
        return why == null ? "(no cause given)" : why;
    }

    /**
     * A failure in one line: the error, a colon and the cause's message (a Lambda error's {@code errorMessage},
     * else its first line); either alone when the other is blank, "(no error given)" when both are.
     */
    public static String failure(String error, String cause) {
        String name = error == null || error.isBlank() ? null : error.strip();
        String why = message(cause);
        if (name == null || why == null) {
            return name != null ? name : why != null ? why : "(no error given)";
        }
        return name + ": " + why;
    }

    /** An error's last dotted part, as people read it: "dev.flywheel.training.DataValidationException" → its name. */
    public static String shortError(String error) {
        return error == null ? null : error.substring(error.lastIndexOf('.') + 1);
    }

    /** The message of a cause, or null when it is blank. */
    private static String message(String cause) {
        String message = LambdaErrors.message(cause);
        return message == null || message.isBlank() ? null : message.strip();
    }

    /** A metric for people: four decimals, or "undefined" when it could not be computed. */
    public static String number(Double value) {
        return value == null ? "undefined" : String.format("%.4f", value);
    }

    /** A metric that may be a count (rounds, rows): whole numbers without decimals, the rest as {@link #number}. */
    public static String metric(Double value) {
        if (value != null && value == Math.rint(value) && Math.abs(value) >= 1 && Math.abs(value) < 1e15) {
            return Long.toString(value.longValue());
        }
        return number(value);
    }
}
