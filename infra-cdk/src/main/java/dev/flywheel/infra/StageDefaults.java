package dev.flywheel.infra;

import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * What differs between stages: {@code prod} keeps logs a year and requires a person's approval before a
 * challenger is promoted (scheduled and drift-triggered runs alike, unless their input says otherwise); every other
 * stage keeps logs a month and promotes on the gate alone. Alarms are deployed in every stage; they notify an
 * address only where {@code -c alarmEmail=...} is given.
 */
record StageDefaults(RetentionDays logRetention, boolean requireApproval) {

    static StageDefaults of(String stage) {
        return "prod".equals(stage) ? new StageDefaults(RetentionDays.ONE_YEAR, true)
                : new StageDefaults(RetentionDays.ONE_MONTH, false);
    }

    /** A pipeline input with this stage's {@code requireApproval} unless it sets one itself. */
    Map<String, Object> pipelineInput(Map<String, Object> input) {
        Map<String, Object> out = new LinkedHashMap<>(input);
        if (requireApproval && !input.isEmpty()) {
            out.putIfAbsent("requireApproval", true);
        }
        return out;
    }

    /** A monitor input whose {@code retrain.pipelineInput} gets this stage's approval default. */
    @SuppressWarnings("unchecked")
    Map<String, Object> monitorInput(Map<String, Object> input) {
        Map<String, Object> out = new LinkedHashMap<>(input);
        if (out.get("retrain") instanceof Map<?, ?> retrain && retrain.get("pipelineInput") instanceof Map<?, ?> p) {
            Map<String, Object> r = new LinkedHashMap<>((Map<String, Object>) retrain);
            r.put("pipelineInput", pipelineInput((Map<String, Object>) p));
            out.put("retrain", r);
        }
        return out;
    }
}
