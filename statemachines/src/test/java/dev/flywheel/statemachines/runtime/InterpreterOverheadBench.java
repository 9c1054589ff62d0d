package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/**
 * Prints the interpreter's own cost per state transition (no task work): a chain of 1000 Pass states and a Map over
 * 1000 items whose processor is one Pass state. Not a test; run with
 * {@code mvn -q -pl cli test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.flywheel.statemachines.runtime.InterpreterOverheadBench}.
 */
public final class InterpreterOverheadBench {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int WARMUP = 20;
    private static final int RUNS = 30;

    private InterpreterOverheadBench() {
    }

    public static void main(String[] args) {
        StateMachine chain = StateMachine.parse(passChain(1000));
        StateMachine map = StateMachine.parse(mapOfPass());
        ArrayNode items = MAPPER.createArrayNode();
        for (int i = 0; i < 1000; i++) {
            items.addObject().put("id", i).put("name", "item-" + i);
        }
        ObjectNode input = MAPPER.createObjectNode().put("runId", "bench").put("n", 1);
        ObjectNode mapInput = MAPPER.createObjectNode();
        mapInput.set("items", items);
        Interpreter interpreter = Interpreter.create();
        ExecutionOptions options = ExecutionOptions.builder().random(new Random(1)).sleeper(d -> { }).build();

        measure("Pass chain (1000 states)", 1000, () -> interpreter.execute(chain, input, r -> null, options));
        measure("Map of 1000 Pass items, MaxConcurrency 1", 1000,
                () -> interpreter.execute(map, mapInput, r -> null, options));
        StateMachine concurrentMap = StateMachine.parse(mapOfPass().replace("\"MaxConcurrency\": 1", "\"MaxConcurrency\": 0"));
        measure("Map of 1000 Pass items, MaxConcurrency 0 (40 threads)", 1000,
                () -> interpreter.execute(concurrentMap, mapInput, r -> null, options));
    }

    private static void measure(String label, int transitions, Runnable run) {
        for (int i = 0; i < WARMUP; i++) {
            run.run();
        }
        long best = Long.MAX_VALUE;
        long total = 0;
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            run.run();
            long elapsed = System.nanoTime() - t0;
            best = Math.min(best, elapsed);
            total += elapsed;
        }
        System.out.printf("%-55s mean %7.2f us/transition, best %7.2f us/transition%n", label,
                total / (double) RUNS / transitions / 1000.0, best / (double) transitions / 1000.0);
    }

    private static String passChain(int n) {
        StringBuilder sb = new StringBuilder("{\"StartAt\": \"S0\", \"States\": {");
        for (int i = 0; i < n; i++) {
            sb.append('"').append('S').append(i).append("\": {\"Type\": \"Pass\", ");
            sb.append(i % 2 == 0 ? "\"ResultPath\": \"$.step\", \"Result\": " + i + ", " : "");
            sb.append(i == n - 1 ? "\"End\": true}" : "\"Next\": \"S" + (i + 1) + "\"},");
        }
        return sb.append("}}").toString();
    }

    private static String mapOfPass() {
        return "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"ItemsPath\": \"$.items\", "
                + "\"MaxConcurrency\": 1, \"ItemSelector\": {\"item.$\": \"$$.Map.Item.Value\", \"i.$\": \"$$.Map.Item.Index\"}, "
                + "\"ItemProcessor\": {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}, "
                + "\"End\": true}}}";
    }
}
