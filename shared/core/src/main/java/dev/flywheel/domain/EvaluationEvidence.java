package dev.flywheel.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gate compared and why it decided as it did: kept on the model version it registered.
 *
 * @param split             the split the challenger was trained and tested on
 * @param testRows          the challenger's test rows (its test metrics are measured on all of them)
 * @param comparedRows      the test rows the champion never trained on either: champion and challenger are compared
 *                          on these alone; null when there was no champion
 * @param judgedChampion    the champion the challenger was compared with (version and alias revision), or one with a
 *                          null version when there was none; promotion moves the alias only if it is still there
 * @param championMetrics   the champion's metrics on {@code comparedRows}
 * @param challengerMetrics the challenger's metrics on {@code comparedRows}
 * @param verdict           {@code passed}, {@code failed}, or {@code undecided} (the gate could not tell, so refused)
 */
public record EvaluationEvidence(SplitSpec split, RowSet testRows, RowSet comparedRows, ChampionRef judgedChampion,
                                 Map<String, Double> championMetrics, Map<String, Double> challengerMetrics,
                                 String verdict, List<String> reasons) {
    public EvaluationEvidence {
        Require.notNull(split, "evaluation split");
        Require.notNull(testRows, "evaluation test rows");
        Require.notNull(judgedChampion, "evaluation judged champion");
        championMetrics = championMetrics == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(championMetrics));
        challengerMetrics = challengerMetrics == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(challengerMetrics));
        Require.text(verdict, "evaluation verdict");
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /**
     * Which champion a decision was made against.
     *
     * @param version  the champion's version, or null when the model had no champion
     * @param revision the champion alias's revision when it was read (0: never assigned)
     */
    public record ChampionRef(Integer version, long revision) {
        public static final ChampionRef NONE = new ChampionRef(null, 0);

        public ChampionRef {
            Require.nonNegative(revision, "champion alias revision");
            if (version == null && revision != 0) {
                throw new InvalidRecordException("a champion alias at revision " + revision + " points to a version");
            }
        }

        public boolean none() {
            return version == null;
        }
    }
}
