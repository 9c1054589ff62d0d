package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import dev.flywheel.lambda.LambdaErrors;
import dev.flywheel.logging.WorkProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Live step lines for a running execution: each top-level state as it starts and ends, with its duration, retries
 * and caught errors, and the command to answer a manual approval. The states inside a Map or Parallel state are not
 * listed; a top-level Map reports how many of its items are done, in its own name ("Map TrainCandidates: 3 of 8
 * items"), at most about twenty times however many items it has.
 *
 * <p>An event is top-level when it follows the previous top-level event on the execution's main path (see
 * {@link HistoryEvent#previousEventId()}): the first event of a Map iteration or Parallel branch also follows the
 * Map or Parallel state's Started event, and is told apart by its type.
 */
public final class Progress implements ExecutionListener {
    /** How many lines a Map's item count takes at most (plus its last one). */
    static final int MAP_LINES = 20;
    /** How many failed items of one Map are named; later failures only count. */
    static final int FAILED_ITEMS_SHOWN = 5;
    private static final Set<String> CONTAINER_ENDS = Set.of("MapStateSucceeded", "MapStateFailed",
            "ParallelStateSucceeded", "ParallelStateFailed");

    /** A step's progress is shown once it has run this long, then at most this often. */
    static final Duration STEP_PROGRESS_EVERY = Duration.ofSeconds(2);

    private final PrintStream out;
    private final String answerOptions;
    private long lastTopLevelId;
    private String lastTopLevelType = "";
    private String currentState;
    private Instant currentEntered;
    /** The top-level Map state running now, or null. */
    private MapCount map;

    public Progress(PrintStream out) {
        this(out, "");
    }

    /**
     * @param answerOptions what the printed approve/reject commands need besides the token to reach this home,
     *                      e.g. "--home /path/to/home"; empty for the default home
     */
    public Progress(PrintStream out, String answerOptions) {
        this.out = out;
        this.answerOptions = answerOptions.isBlank() ? "" : " " + answerOptions.strip();
    }

    /** The options that point {@code flywheel approve} at {@code home}. */
    public static String homeOption(java.nio.file.Path home) {
        return "--home " + home.toAbsolutePath().normalize();
    }

    @Override
    public WorkProgress stepProgress(String step) {
        long start = System.nanoTime();
        long[] next = {start + STEP_PROGRESS_EVERY.toNanos()};
        return (what, done, total) -> {
            long now = System.nanoTime();
            if (now < next[0]) {
                return;
            }
            next[0] = now + STEP_PROGRESS_EVERY.toNanos();
            synchronized (this) {
                out.printf("    · %s: %s%s %s%n", step, String.format(Locale.ROOT, "%,d", done),
                        total > 0 ? String.format(Locale.ROOT, " of %,d", total) : "", what);
                out.flush();
            }
        };
    }

    /** Items of the running top-level Map state. */
    private static final class MapCount {
        private final String name;
        private int total = -1;
        private int done;
        private int failed;

        MapCount(String name) {
            this.name = name;
        }
    }

    @Override
    public synchronized void onEvent(HistoryEvent event) {
        String type = event.type();
        JsonNode details = event.details();
        if (isTopLevel(event)) {
            lastTopLevelId = event.id();
            lastTopLevelType = type;
            topLevel(type, details, event.timestamp());
        } else if (map != null && details.path("name").asText().equals(map.name)
                && (type.equals("MapIterationSucceeded") || type.equals("MapIterationFailed"))) {
            item(type.equals("MapIterationSucceeded"), details);
        }
        if (type.equals("TaskScheduled") && details.has("retry")) {
            JsonNode retry = details.path("retry");
            out.printf("  ↻ retry %d after %s (%.1f s back-off)%n", retry.path("attempt").asInt(),
                    retry.path("error").asText(), retry.path("delaySeconds").asDouble());
        } else if (type.equals("TaskScheduled") && details.path("resource").asText().endsWith(".waitForTaskToken")) {
            // Flywheel's definitions pass it as Payload.taskToken; any other field named taskToken will do.
            JsonNode found = details.path("parameters").findValue("taskToken");
            String token = found == null ? "" : found.asText("");
            out.printf("  ⏸ waiting for approval: run `flywheel approve %s%s` (or `flywheel reject %s%s --reason "
                    + "\"...\"`)%n", token, answerOptions, token, answerOptions);
        }
        out.flush();
    }

    private boolean isTopLevel(HistoryEvent event) {
        if (event.previousEventId() != lastTopLevelId) {
            return false;
        }
        boolean afterContainerStart = lastTopLevelType.equals("MapStateStarted")
                || lastTopLevelType.equals("ParallelStateStarted");
        return !afterContainerStart || CONTAINER_ENDS.contains(event.type());
    }

    private void topLevel(String type, JsonNode details, Instant at) {
        String name = details.path("name").asText("");
        boolean quiet = type.startsWith("Pass") || type.startsWith("Choice") || type.startsWith("Fail")
                || type.startsWith("Succeed");
        if (type.endsWith("StateEntered")) {
            currentState = name;
            currentEntered = at;
            if (type.equals("MapStateEntered")) {
                map = new MapCount(name);
            }
            if (!quiet) {
                out.printf("  → %s%n", name);
            }
        } else if (type.equals("MapStateStarted") && map != null) {
            map.total = details.path("length").asInt();
            map.done = 0;
            map.failed = 0;
        } else if (type.endsWith("StateExited")) {
            map = null;
            if (!quiet) {
                String took = currentEntered == null || !name.equals(currentState) ? ""
                        : String.format(" (%.1f s)", Duration.between(currentEntered, at).toMillis() / 1000.0);
                if (details.has("caught")) {
                    failed(name + " failed" + took, details.path("caught"));
                } else {
                    out.printf("  ✓ %s%s%n", name, took);
                }
            }
        }
    }

    /** "✗ Ingest failed (0.1 s): DataValidationException: 80 of 280 rows ...", wrapped to the terminal. */
    private void failed(String what, JsonNode caught) {
        String error = caught.path("error").asText("");
        String message = LambdaErrors.message(caught.path("cause").asText(null));
        String text = what + ": " + error.substring(error.lastIndexOf('.') + 1)
                + (message == null || message.isBlank() ? "" : ": " + message);
        List<String> lines = Output.wrap(text, Math.max(40, Output.terminalWidth() - 6));
        out.printf("  ✗ %s%n", lines.get(0));
        for (String more : lines.subList(1, lines.size())) {
            out.printf("    %s%n", more);
        }
    }

    private void item(boolean succeeded, JsonNode details) {
        if (succeeded) {
            map.done++;
        } else {
            map.failed++;
            if (map.failed <= FAILED_ITEMS_SHOWN) {
                out.printf("    ✗ %s item %d failed: %s%n", map.name, details.path("index").asInt(),
                        details.path("error").asText(""));
            }
        }
        int finished = map.done + map.failed;
        int step = Math.max(1, map.total / MAP_LINES);
        if (finished % step == 0 || finished == map.total) {
            out.printf("    · Map %s: %d of %d items%s%n", map.name, finished, map.total,
                    map.failed > 0 ? " (" + map.failed + " failed)" : "");
        }
    }
}
