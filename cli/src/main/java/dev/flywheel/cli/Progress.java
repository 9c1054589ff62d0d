package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.cli.runtime.ExecutionListener;
import dev.flywheel.cli.runtime.HistoryEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live step lines for a running execution: each top-level state as it starts and ends, with its duration,
 * retries and caught errors, and the command to answer a manual approval.
 */
public final class Progress implements ExecutionListener {
    private final PrintStream out;
    private final Map<String, Instant> entered = new ConcurrentHashMap<>();
    /** How many Map/Parallel states are open: their inner states are summarised, not listed. */
    private int nested;

    public Progress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(HistoryEvent event) {
        String type = event.type();
        JsonNode details = event.details();
        String name = details.path("name").asText("");
        boolean container = type.startsWith("Map") || type.startsWith("Parallel");
        if (nested > 0 && (type.endsWith("StateEntered") || type.endsWith("StateExited")) && !container) {
            return;
        }
        if (type.endsWith("StateEntered") && !name.isEmpty()) {
            if (container) {
                nested++;
            }
            entered.put(name, event.timestamp());
            if (!type.startsWith("Pass") && !type.startsWith("Choice")) {
                out.printf("  → %s%n", name);
            }
        } else if (type.endsWith("StateExited") && !name.isEmpty()) {
            if (container) {
                nested--;
            }
            Instant start = entered.remove(name);
            if (!type.startsWith("Pass") && !type.startsWith("Choice")) {
                String took = start == null ? "" : String.format(" (%.1f s)", Duration.between(start, event.timestamp()).toMillis() / 1000.0);
                String caught = details.has("caught") ? "  caught " + details.path("caught").path("error").asText() : "";
                out.printf("  ✓ %s%s%s%n", name, took, caught);
            }
        } else if (type.equals("TaskScheduled") && details.has("retry")) {
            JsonNode retry = details.path("retry");
            out.printf("  ↻ retry %d after %s (%.1f s back-off)%n", retry.path("attempt").asInt(),
                    retry.path("error").asText(), retry.path("delaySeconds").asDouble());
        } else if (type.equals("TaskScheduled")
                && details.path("resource").asText().endsWith(".waitForTaskToken")) {
            String token = details.path("parameters").path("Payload").path("taskToken").asText("");
            out.printf("  ⏸ waiting for approval: run `flywheel approve %s` (or `flywheel reject %s`)%n", token, token);
        } else if (type.equals("MapIterationSucceeded") || type.equals("MapIterationFailed")) {
            out.printf("    · candidate %d %s%n", details.path("index").asInt(),
                    type.endsWith("Succeeded") ? "trained" : "failed");
        }
        out.flush();
    }
}
