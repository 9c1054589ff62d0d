package dev.flywheel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.json.Json;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the drift-monitor definition (the very file deployed to Step Functions) in the embedded runtime: its Map
 * reads the window's manifest from the artifact store, and on drift it starts the training pipeline as a child
 * execution of its own.
 */
public final class DriftRunner {
    public static final String DEFINITION_RESOURCE = "/statemachines/drift-monitor.asl.json";
    public static final String STATE_MACHINE = "drift-monitor";

    private DriftRunner() {
    }

    public static String definition() {
        return StateMachineDefinitions.load(DEFINITION_RESOURCE, "the drift monitor definition");
    }


    public static Outcome run(Workspace workspace, JsonNode input, ExecutionListener progress) {
        return new Outcome(workspace.runtime().run(STATE_MACHINE, definition(), input, progress));
    }

    /** What a monitor execution found and did, read from its output. */
    public record Outcome(ExecutionResult execution) {
        public JsonNode report() {
            return output().path("report");
        }

        /** The decision, and how a retraining ended when one ran. */
        public JsonNode decision() {
            JsonNode outcome = output().path("outcome").path("value");
            return outcome.isMissingNode() ? output().path("decided").path("value") : outcome;
        }

        public JsonNode training() {
            return output().path("training");
        }

        private JsonNode output() {
            JsonNode out = execution.output();
            return out == null ? Json.object() : out;
        }

        public ObjectNode toJson() {
            ObjectNode out = Json.object();
            out.put("executionId", execution.executionId());
            out.put("status", execution.status().name());
            if (execution.status() != ExecutionStatus.SUCCEEDED) {
                out.put("error", execution.error());
                out.put("cause", execution.cause());
            }
            out.set("report", report());
            out.set("decision", decision());
            out.set("training", training());
            return out;
        }

        /**
         * The error and the first line (or Lambda error message) of its cause: "Flywheel.MonitorFailed: no model";
         * "stopped: CAUSE" for a stopped execution.
         */
        private static String failure(ExecutionResult result) {
            return Output.ending(result.status(), result.error(), result.cause());
        }

        /** For people: the verdict, the decision, the report's place, and what to run next. */
        public void print() {
            String see = "see: flywheel executions show " + execution.executionId();
            if (execution.status() != ExecutionStatus.SUCCEEDED && report().isMissingNode()) {
                System.out.println(execution.status().name() + "  drift monitor execution " + execution.executionId()
                        + ": " + failure(execution));
                System.out.println("  " + see);
                return;
            }
            JsonNode r = report();
            JsonNode d = decision();
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("verdict", r.path("verdict").asText().toUpperCase(java.util.Locale.ROOT) + " ("
                    + r.path("rows").asLong() + " rows, " + r.path("model").asText() + " v" + r.path("version").asInt()
                    + ")"));
            rows.add(List.of("why", r.path("reason").asText()));
            String reason = r.path("reason").asText();
            String decided = d.path("reason").asText();
            String rest = decided.startsWith(reason) ? decided.substring(reason.length()).strip() : decided;
            rows.add(List.of("decision", d.path("action").asText() + (rest.isEmpty() ? "" : ": " + rest)));
            if (!training().isMissingNode()) {
                rows.add(List.of("training", training().path("ExecutionArn").asText() + " "
                        + training().path("Status").asText()));
            }
            rows.add(List.of("report", r.path("reportId").asText()));
            String uri = r.path("reportUri").asText();
            rows.add(List.of("html", uri.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(uri))
                    .toString() : uri));
            rows.add(List.of("execution", execution.executionId() + " " + execution.status().name()));
            if (execution.status() == ExecutionStatus.ABORTED) {
                rows.add(List.of("stopped", Output.stoppedCause(execution.cause())));
            } else if (execution.status() != ExecutionStatus.SUCCEEDED) {
                rows.add(List.of("error", failure(execution)));
            }
            Output.table(List.of("", ""), rows);
            System.out.println(see);
        }
    }
}
