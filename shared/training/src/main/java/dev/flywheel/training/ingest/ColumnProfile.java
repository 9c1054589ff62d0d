package dev.flywheel.training.ingest;


import dev.flywheel.domain.Column;
import dev.flywheel.domain.ColumnRole;
import dev.flywheel.domain.ColumnType;
import dev.flywheel.domain.Schema;
import dev.flywheel.logging.WorkProgress;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.data.Values;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What pass 1 learnt of the file: its header and every column's statistics. */
record ColumnProfile(List<String> header, Map<String, ColumnStats> stats) {

    /** Pass 1: profiles every column (types, distinct values, missing counts). */
    static ColumnProfile read(SourceFile source, Values.Missing missing) {
        Map<String, ColumnStats> stats = new LinkedHashMap<>();
        List<String> header;
        long rows = 0;
        try (TabularReader reader = source.open()) {
            header = reader.header();
            header.forEach(h -> stats.put(h, new ColumnStats(missing)));
            WorkProgress progress = WorkProgress.current();
            for (TabularReader.Row row : reader) {
                rows++;
                if (rows % SourceFile.PROGRESS_ROWS == 0) {
                    progress.report("rows profiled", rows, -1);
                }
                if (row.values() == null) {
                    continue;
                }
                for (int i = 0; i < header.size(); i++) {
                    stats.get(header.get(i)).add(row.values().get(i));
                }
            }
        }
        if (rows == 0) {
            throw new InvalidInputException("the file has a header but no data rows: add at least one row");
        }
        return new ColumnProfile(header, stats);
    }

    /** The categories of the schema's categorical columns (identifiers aside), as this file has them. */
    ColumnDomains domains(Schema schema) {
        Map<String, List<String>> categories = new LinkedHashMap<>();
        for (Column c : schema.columns()) {
            if (c.type() == ColumnType.CATEGORICAL && c.role() != ColumnRole.ID) {
                ColumnStats s = stats.get(c.name());
                if (s.distinct.size() <= ColumnStats.DISTINCT_CAP) {
                    categories.put(c.name(), s.distinct.stream().sorted(Comparator.naturalOrder()).toList());
                }
            }
        }
        return new ColumnDomains(categories);
    }

    /** Warns about each column whose values include categories that {@code domains} does not know. */
    void warnAboutUnseenCategories(ColumnDomains domains, List<String> warnings) {
        domains.categories().forEach((column, known) -> {
            ColumnStats s = stats.get(column);
            if (s == null) {
                return;
            }
            Set<String> knownSet = new HashSet<>(known);
            Set<String> unseen = new TreeSet<>();
            for (String value : s.distinct) {
                if (!knownSet.contains(value)) {
                    unseen.add(value);
                }
            }
            if (!unseen.isEmpty()) {
                warnings.add("column '" + column + "' has categories not seen in the dataset's first version: "
                        + (unseen.size() > 10 ? List.copyOf(unseen).subList(0, 10) + " and " + (unseen.size() - 10)
                        + " more" : unseen));
            }
        });
    }
}
