package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/**
 * Wait states: wait Seconds (or SecondsPath) or until Timestamp (or TimestampPath) on the execution's sleeper, never
 * past the execution deadline; a timestamp already past does not wait.
 */
final class WaitState implements StateHandler {
    @Override
    public Transition run(ExecutionRun execution, StateMachine.State s, JsonNode raw, Track track, Instant entered,
                          Cancellation cancellation) {
        JsonNode effective = execution.io().inputPath(s, raw);
        Duration duration;
        if (s.has("Seconds") || s.has("SecondsPath")) {
            JsonNode seconds = s.has("Seconds") ? s.get("Seconds")
                    : JsonPaths.read(effective, s.text("SecondsPath"), "SecondsPath");
            if (!seconds.isIntegralNumber() || seconds.asLong() < 0) {
                throw StatesException.runtime("The SecondsPath parameter does not reference a non-negative "
                        + "integer: " + seconds);
            }
            duration = Duration.ofSeconds(seconds.asLong());
        } else {
            JsonNode ts = s.has("Timestamp") ? s.get("Timestamp")
                    : JsonPaths.read(effective, s.text("TimestampPath"), "TimestampPath");
            var target = ChoiceRules.parseTimestamp(ts);
            if (target == null) {
                throw StatesException.runtime("The Timestamp does not reference a valid ISO-8601 timestamp: " + ts);
            }
            duration = Duration.between(execution.options().clock().instant(), target.toInstant());
        }
        if (!duration.isNegative() && !duration.isZero()) {
            execution.deadline().sleep(duration);
        }
        return execution.exit(s, track, s.next(), execution.io().outputPath(s, effective));
    }
}
