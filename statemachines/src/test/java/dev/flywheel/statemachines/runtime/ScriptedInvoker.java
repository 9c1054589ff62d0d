package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task invoker driven by JSON, keyed by resource. A behaviour is one step or {@code {"sequence": [steps]}} (the last
 * step repeats). Steps: {@code {"return": X}}, {@code {"echo": true}} (returns the parameters), {@code {"error": E,
 * "cause": C}} (TaskFailedException), {@code {"throw": "message"}} (a plain IllegalStateException), {@code {"block":
 * true}} (waits until interrupted), {@code {"failIf": {"path": P, "equals": V}, "error": E, "cause": C, "else":
 * step}}.
 */
final class ScriptedInvoker implements TaskInvoker {
    private final JsonNode behaviours;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    ScriptedInvoker(JsonNode behaviours) {
        this.behaviours = behaviours;
    }

    int calls(String resource) {
        AtomicInteger c = calls.get(resource);
        return c == null ? 0 : c.get();
    }

    @Override
    public JsonNode invoke(TaskRequest request) {
        int n = calls.computeIfAbsent(request.resource(), r -> new AtomicInteger()).getAndIncrement();
        JsonNode behaviour = behaviours == null ? null : behaviours.get(request.resource());
        if (behaviour == null) {
            behaviour = behaviours == null ? null : behaviours.get("*");
        }
        if (behaviour == null) {
            return request.parameters();
        }
        JsonNode step = behaviour;
        if (behaviour.has("sequence")) {
            JsonNode seq = behaviour.get("sequence");
            step = seq.get(Math.min(n, seq.size() - 1));
        }
        return run(step, request);
    }

    private static JsonNode run(JsonNode step, TaskRequest request) {
        if (step.has("failIf")) {
            JsonNode cond = step.get("failIf");
            JsonNode actual = JsonPaths.find(request.parameters(), cond.get("path").asText()).orElse(null);
            if (actual != null && JsonEquivalence.equivalent(actual, cond.get("equals"))) {
                throw new TaskFailedException(step.get("error").asText(), step.path("cause").asText(null));
            }
            return step.has("else") ? run(step.get("else"), request) : request.parameters();
        }
        if (step.has("error")) {
            throw new TaskFailedException(step.get("error").asText(), step.path("cause").asText(null));
        }
        if (step.has("throw")) {
            throw new IllegalStateException(step.get("throw").asText());
        }
        if (step.has("block")) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
        if (step.has("return")) {
            return step.get("return");
        }
        if (step.has("echo")) {
            return request.parameters();
        }
        if (step.has("echoContext")) {
            return request.context();
        }
        throw new IllegalArgumentException("unknown scripted step " + step);
    }
}
