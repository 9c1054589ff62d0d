package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Choice states: go to the Next of the first rule that matches the effective input, else to Default, else fail with
 * States.NoChoiceMatched.
 */
final class ChoiceState implements StateHandler {
    @Override
    public Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, Instant entered,
                          Cancellation cancellation) {
        JsonNode effective = execution.io().inputPath(s, raw);
        ObjectNode ctx = execution.context(s, entered, 0);
        String next = null;
        for (JsonNode rule : s.get("Choices")) {
            if (ChoiceRules.matches(rule, effective, ctx)) {
                next = rule.get("Next").asText();
                break;
            }
        }
        if (next == null) {
            next = s.text("Default");
        }
        if (next == null) {
            throw new StatesException(StatesErrors.NO_CHOICE_MATCHED,
                    "No Matches! (no choice rule matched and there is no Default in state '" + s.name() + "')");
        }
        return execution.exit(s, track, next, execution.io().outputPath(s, effective));
    }
}
