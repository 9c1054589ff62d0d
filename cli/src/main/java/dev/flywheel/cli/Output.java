package dev.flywheel.cli;

import dev.flywheel.json.Json;
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

    /** Prints rows as an aligned table under {@code headers}. */
    public static void table(PrintStream out, List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], cell(row, i).length());
            }
        }
        for (int r = 0; r < all.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = cell(all.get(r), i);
                line.append(i == widths.length - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < widths.length; i++) {
                    rule.append("-".repeat(widths[i])).append(i == widths.length - 1 ? "" : "  ");
                }
                out.println(rule);
            }
        }
    }

    public static void table(List<String> headers, List<List<String>> rows) {
        table(System.out, headers, rows);
    }

    private static String cell(List<String> row, int i) {
        return i < row.size() && row.get(i) != null ? row.get(i) : "";
    }

    /** A metric for people: four decimals, or "undefined" when it could not be computed. */
    public static String number(Double value) {
        return value == null ? "undefined" : String.format("%.4f", value);
    }
}
