package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.ExecutionOptions;
import dev.flywheel.statemachines.runtime.Interpreter;
import dev.flywheel.statemachines.runtime.StateMachine;
import dev.flywheel.statemachines.runtime.TaskFailedException;
import dev.flywheel.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress lines: top-level states by name, and a Map's item count in the Map's own name. */
class ProgressTest {
    private static List<String> run(String definition, ObjectNode input) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ExecutionOptions options = ExecutionOptions.builder().sleeper(d -> { }).listener(new Progress(out)).build();
        Interpreter.create().execute(StateMachine.parse(definition), input, request -> {
            if (request.parameters().path("fail").asBoolean()) {
                throw new TaskFailedException("Boom", "item failed");
            }
            return request.parameters();
        }, options);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static ObjectNode items(int n) {
        ObjectNode input = Json.object();
        ArrayNode items = input.putArray("items");
        for (int i = 0; i < n; i++) {
            items.addObject().put("i", i).put("fail", false);
        }
        return input;
    }

    @Test
    void genericMap_countsItemsInItsOwnNameAtMostTwentyTimes() {
        String definition = """
                {"StartAt": "MyMap", "States": {"MyMap": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
                  "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Map", "ItemsPath": "$.sub",
                    "ItemSelector": {"x.$": "$$.Map.Item.Value"},
                    "ItemProcessor": {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": true}}},
                    "ResultPath": null, "End": true}}},
                  "ItemSelector": {"sub": [1, 2]}, "End": true}}}""";

        List<String> lines = run(definition, items(1000));

        assertThat(lines.get(0)).isEqualTo("  → MyMap");
        assertThat(lines.subList(1, lines.size() - 1)).hasSize(20)
                .allMatch(line -> line.matches("    · Map MyMap: \\d+ of 1000 items"));
        assertThat(lines.get(lines.size() - 2)).isEqualTo("    · Map MyMap: 1000 of 1000 items");
        assertThat(lines.get(lines.size() - 1)).startsWith("  ✓ MyMap (");
        assertThat(String.join("\n", lines)).doesNotContain("candidate", "Inner", "Leaf");
    }

    @Test
    void trainingPipelineMap_namesItsFailedItemsAndCountsEveryItemOfASmallMap() {
        String definition = """
                {"StartAt": "TrainCandidates", "States": {"TrainCandidates": {"Type": "Map", "ItemsPath": "$.items",
                  "MaxConcurrency": 1, "ToleratedFailureCount": 1,
                  "ItemProcessor": {"StartAt": "Train", "States": {"Train": {"Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Train", "End": true}}},
                  "Next": "Evaluate"},
                 "Evaluate": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Evaluate",
                  "Parameters": {"ok": true}, "End": true}}}""";
        ObjectNode input = items(3);
        ((ObjectNode) input.get("items").get(1)).put("fail", true);

        List<String> lines = run(definition, input);

        assertThat(lines).containsExactly(
                "  → TrainCandidates",
                "    · Map TrainCandidates: 1 of 3 items",
                "    ✗ TrainCandidates item 1 failed: Boom",
                "    · Map TrainCandidates: 2 of 3 items (1 failed)",
                "    · Map TrainCandidates: 3 of 3 items (1 failed)",
                lines.get(5),
                "  → Evaluate",
                lines.get(7));
        assertThat(lines.get(5)).startsWith("  ✓ TrainCandidates (");
        assertThat(lines.get(7)).startsWith("  ✓ Evaluate (");
    }
}
