package dev.flywheel.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * One deployment stage ({@code -c stage=dev|prod|...}): the names and tags of what it deploys, and what differs
 * between stages. {@code prod} keeps logs a year and requires a person's approval before a challenger is promoted
 * (scheduled and drift-triggered runs alike, unless their input says otherwise); every other stage keeps logs a
 * month and promotes on the gate alone. Alarms are deployed in every stage; they notify an address only where
 * {@code -c alarmEmail=...} is given.
 *
 * @param name            lower-case letters, digits and '-', starting with a letter, at most 20 characters
 * @param logRetention    how long function, execution and API access logs are kept
 * @param requireApproval whether pipeline inputs get {@code requireApproval: true} unless they set it
 */
record Stage(String name, RetentionDays logRetention, boolean requireApproval) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");

    Stage {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stage must be 1-20 lower-case letters, digits or '-', starting "
                    + "with a letter, got '" + name + "'");
        }
    }

    static Stage of(String name) {
        return "prod".equals(name) ? new Stage(name, RetentionDays.ONE_YEAR, true)
                : new Stage(name, RetentionDays.ONE_MONTH, false);
    }

    /** The stack's name in CloudFormation: {@code Flywheel-<stage>}. */
    String stackName() {
        return "Flywheel-" + name;
    }

    /** A named resource of this stage: {@code flywheel-<stage>-<part>} (state machines, the API). */
    String resourceName(String part) {
        return "flywheel-" + name + "-" + part;
    }

    /** The loop's dashboard: {@code flywheel-<stage>}. */
    String dashboardName() {
        return "flywheel-" + name;
    }

    /** A state machine's execution log group, under the prefix Step Functions' vended logs need. */
    static String stateMachineLogGroup(String stateMachineName) {
        return "/aws/vendedlogs/states/" + stateMachineName;
    }

    /** The tags on every resource of the stack. */
    Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("project", "flywheel");
        tags.put("flywheel:stage", name);
        return tags;
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
