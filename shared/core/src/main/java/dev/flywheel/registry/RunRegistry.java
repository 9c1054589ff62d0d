package dev.flywheel.registry;

import dev.flywheel.domain.Run;
import dev.flywheel.json.Json;
import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Item;
import dev.flywheel.store.MetadataTable.Put;
import dev.flywheel.store.MetadataTable.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tracked runs, by id and by experiment (newest first). A run is written by the one invocation that owns it;
 * an update is a compare-and-set on the revision it read, and a finished or failed run is never changed again.
 */
public final class RunRegistry {
    private final MetadataTable table;

    public RunRegistry(MetadataTable table) {
        this.table = table;
    }

    /** Records a new run. @throws IllegalStateException if a run with that id exists */
    public Run create(Run run) {
        try {
            List<Write> writes = new ArrayList<>(writes(run, Condition.ABSENT, Condition.ABSENT));
            if (table.get(Keys.CATALOG, Keys.experiment(run.experiment())).isEmpty()) {
                writes.add(new Put(Keys.CATALOG, Keys.experiment(run.experiment()),
                        "{\"name\":" + Json.write(run.experiment()) + "}", Condition.ABSENT));
            }
            table.write(writes);
            return run;
        } catch (ConditionFailedException e) {
            if (find(run.id()).isPresent()) {
                throw new IllegalStateException("a run with id '" + run.id() + "' exists already", e);
            }
            return create(run); // the experiment was catalogued concurrently: try again without it
        }
    }

    /**
     * Replaces a running run with its new state (more metrics, finished, failed).
     *
     * @throws IllegalStateException when the run already ended, or was changed concurrently
     */
    public Run update(Run run) {
        Item current = table.get(Keys.run(run.id()), "RUN").orElseThrow(() -> new RunNotFoundException(run.id()));
        Run stored = Json.read(current.body(), Run.class);
        if (stored.status().isTerminal()) {
            throw new IllegalStateException("run '" + run.id() + "' is " + stored.status() + " and cannot change");
        }
        if (!stored.experiment().equals(run.experiment()) || !stored.startedAt().equals(run.startedAt())) {
            throw new IllegalArgumentException("run '" + run.id() + "' cannot change its experiment or start time");
        }
        Item indexed = table.get(Keys.experiment(run.experiment()), indexKey(run)).orElseThrow();
        try {
            table.write(writes(run, Condition.revision(current.revision()), Condition.revision(indexed.revision())));
        } catch (ConditionFailedException e) {
            throw new IllegalStateException("run '" + run.id() + "' was changed concurrently", e);
        }
        return run;
    }

    public Optional<Run> find(String id) {
        return table.get(Keys.run(id), "RUN").map(item -> Json.read(item.body(), Run.class));
    }

    public Run get(String id) {
        return find(id).orElseThrow(() -> new RunNotFoundException(id));
    }

    /** Runs of one experiment, newest first. @param limit 0 for all */
    public List<Run> list(String experiment, int limit) {
        return table.query(Keys.experiment(experiment), "RUN#", true, limit).stream()
                .map(item -> Json.read(item.body(), Run.class)).toList();
    }

    /**
     * Records the runs of an execution that are still RUNNING as FAILED with {@code reason}: for an execution that
     * failed or was aborted while they trained.
     *
     * @param experiment the runs' experiment, or null to look in every experiment
     * @return how many runs were failed
     */
    public int failUnfinished(String experiment, String executionId, String reason, java.time.Instant at) {
        int failed = 0;
        for (String name : experiment != null ? List.of(experiment) : experiments()) {
            for (Run run : list(name, 0)) {
                if (run.status() == dev.flywheel.domain.RunStatus.RUNNING && partOf(run, executionId)) {
                    try {
                        update(run.fail(reason, at));
                        failed++;
                    } catch (IllegalStateException endedMeanwhile) {
                        // it finished or failed by itself in between
                    }
                }
            }
        }
        return failed;
    }

    /** Whether the run belongs to the execution, named by its id or by its ARN (which ends in ":" and the id). */
    private static boolean partOf(Run run, String executionId) {
        String of = run.executionId();
        return of != null && (of.equals(executionId) || of.endsWith(":" + executionId)
                || executionId.endsWith(":" + of));
    }

    /** Every experiment name, sorted. */
    public List<String> experiments() {
        return table.query(Keys.CATALOG, "EXPERIMENT#", false, 0).stream()
                .map(item -> item.sk().substring("EXPERIMENT#".length())).toList();
    }

    private List<Write> writes(Run run, Condition byId, Condition byExperiment) {
        String body = Json.write(run);
        return List.of(
                new Put(Keys.run(run.id()), "RUN", body, byId),
                new Put(Keys.experiment(run.experiment()), indexKey(run), body, byExperiment));
    }

    private static String indexKey(Run run) {
        return "RUN#" + run.startedAt() + "#" + run.id();
    }
}
