package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed and structurally validated Amazon States Language definition (JSONPath query language). Immutable and
 * safe to execute many times, from several threads.
 */
public final class StateMachine {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> COMPARISON_OPERATORS = Set.of(
            "StringEquals", "StringEqualsPath", "StringLessThan", "StringLessThanPath", "StringGreaterThan",
            "StringGreaterThanPath", "StringLessThanEquals", "StringLessThanEqualsPath", "StringGreaterThanEquals",
            "StringGreaterThanEqualsPath", "StringMatches", "NumericEquals", "NumericEqualsPath", "NumericLessThan",
            "NumericLessThanPath", "NumericGreaterThan", "NumericGreaterThanPath", "NumericLessThanEquals",
            "NumericLessThanEqualsPath", "NumericGreaterThanEquals", "NumericGreaterThanEqualsPath", "BooleanEquals",
            "BooleanEqualsPath", "TimestampEquals", "TimestampEqualsPath", "TimestampLessThan",
            "TimestampLessThanPath", "TimestampGreaterThan", "TimestampGreaterThanPath", "TimestampLessThanEquals",
            "TimestampLessThanEqualsPath", "TimestampGreaterThanEquals", "TimestampGreaterThanEqualsPath", "IsNull",
            "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");

    private final JsonNode definition;
    private final String startAt;
    private final Map<String, State> states;
    private final Integer timeoutSeconds;

    private StateMachine(JsonNode definition, String startAt, Map<String, State> states, Integer timeoutSeconds) {
        this.definition = definition;
        this.startAt = startAt;
        this.states = states;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Parses and validates a definition given as JSON text. */
    public static StateMachine parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidDefinitionException("Definition is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return parse(node);
    }

    /** Parses and validates a definition. */
    public static StateMachine parse(JsonNode definition) {
        Objects.requireNonNull(definition, "definition");
        return parse(definition.deepCopy(), "");
    }

    private static StateMachine parse(JsonNode def, String where) {
        if (def == null || !def.isObject()) {
            throw invalid(where, "a state machine must be a JSON object");
        }
        JsonNode ql = def.get("QueryLanguage");
        if (ql != null && !"JSONPath".equals(ql.asText())) {
            throw invalid(where, "only the JSONPath query language is supported, not " + ql);
        }
        String startAt = text(def, "StartAt", where + "StartAt");
        JsonNode statesNode = def.get("States");
        if (statesNode == null || !statesNode.isObject() || statesNode.isEmpty()) {
            throw invalid(where, "'States' must be a non-empty object");
        }
        Map<String, State> states = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = statesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            states.put(e.getKey(), parseState(e.getKey(), e.getValue(), where));
        }
        if (!states.containsKey(startAt)) {
            throw invalid(where, "StartAt '" + startAt + "' does not name a state");
        }
        for (State s : states.values()) {
            for (String target : s.transitionTargets()) {
                if (!states.containsKey(target)) {
                    throw invalid(where + "State '" + s.name() + "': ", "transition target '" + target
                            + "' does not name a state in the same scope");
                }
            }
        }
        Integer timeout = null;
        if (def.has("TimeoutSeconds")) {
            timeout = positiveInt(def.get("TimeoutSeconds"), where + "TimeoutSeconds");
        }
        return new StateMachine(def, startAt, Collections.unmodifiableMap(states), timeout);
    }

    private static State parseState(String name, JsonNode node, String where) {
        String at = where + "State '" + name + "': ";
        if (name.length() > 80) {
            throw invalid(at, "state names are at most 80 characters");
        }
        if (node == null || !node.isObject()) {
            throw invalid(at, "a state must be a JSON object");
        }
        JsonNode typeNode = node.get("Type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw invalid(at, "missing 'Type'");
        }
        StateType type = StateType.fromAsl(typeNode.asText());
        if (type == null) {
            throw invalid(at, "unknown state type '" + typeNode.asText()
                    + "' (expected Task, Pass, Choice, Wait, Succeed, Fail, Map or Parallel)");
        }
        boolean end = node.path("End").asBoolean(false);
        String next = node.hasNonNull("Next") ? node.get("Next").asText() : null;
        boolean terminalType = type == StateType.SUCCEED || type == StateType.FAIL || type == StateType.CHOICE;
        if (terminalType) {
            if (next != null || node.has("End")) {
                throw invalid(at, type.aslName() + " states must not have 'Next' or 'End'");
            }
        } else if (end == (next != null)) {
            throw invalid(at, end ? "has both 'Next' and 'End'" : "must have either 'Next' or \"End\": true");
        }
        for (String pathField : List.of("InputPath", "OutputPath", "ResultPath", "ItemsPath")) {
            JsonNode p = node.get(pathField);
            if (p != null && !p.isNull() && !(p.isTextual() && p.asText().startsWith("$"))) {
                throw invalid(at, pathField + " must be null or a path starting with '$', was " + p);
            }
        }
        List<Retrier> retriers = List.of();
        List<Catcher> catchers = List.of();
        if (type == StateType.TASK || type == StateType.MAP || type == StateType.PARALLEL) {
            retriers = parseRetry(node.get("Retry"), at);
            catchers = parseCatch(node.get("Catch"), at);
        } else if (node.has("Retry") || node.has("Catch")) {
            throw invalid(at, "only Task, Map and Parallel states may have 'Retry' or 'Catch'");
        }
        List<StateMachine> branches = List.of();
        switch (type) {
            case TASK -> {
                text(node, "Resource", at + "Resource");
                if (node.has("TimeoutSeconds") && node.has("TimeoutSecondsPath")) {
                    throw invalid(at, "has both TimeoutSeconds and TimeoutSecondsPath");
                }
                if (node.has("TimeoutSeconds")) {
                    positiveInt(node.get("TimeoutSeconds"), at + "TimeoutSeconds");
                }
                if (node.has("HeartbeatSeconds")) {
                    positiveInt(node.get("HeartbeatSeconds"), at + "HeartbeatSeconds");
                }
            }
            case CHOICE -> validateChoice(node, at);
            case WAIT -> {
                int count = 0;
                for (String f : List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")) {
                    if (node.has(f)) {
                        count++;
                    }
                }
                if (count != 1) {
                    throw invalid(at, "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
                }
                if (node.has("Seconds") && !(node.get("Seconds").canConvertToLong() && node.get("Seconds").asLong() >= 0)) {
                    throw invalid(at, "Seconds must be a non-negative integer");
                }
            }
            case FAIL -> {
                if (node.has("Error") && node.has("ErrorPath")) {
                    throw invalid(at, "has both Error and ErrorPath");
                }
                if (node.has("Cause") && node.has("CausePath")) {
                    throw invalid(at, "has both Cause and CausePath");
                }
            }
            case MAP -> {
                JsonNode processor = node.has("ItemProcessor") ? node.get("ItemProcessor") : node.get("Iterator");
                if (processor == null) {
                    throw invalid(at, "a Map state needs 'ItemProcessor' (or the legacy 'Iterator')");
                }
                if (node.has("ItemSelector") && node.has("Parameters")) {
                    throw invalid(at, "has both ItemSelector and the legacy Parameters");
                }
                validateMapMode(node, processor, at);
                if (node.has("MaxConcurrency") && !(node.get("MaxConcurrency").canConvertToInt()
                        && node.get("MaxConcurrency").asInt() >= 0)) {
                    throw invalid(at, "MaxConcurrency must be a non-negative integer");
                }
                branches = List.of(parse(processor, at + "ItemProcessor: "));
            }
            case PARALLEL -> {
                JsonNode b = node.get("Branches");
                if (b == null || !b.isArray() || b.isEmpty()) {
                    throw invalid(at, "a Parallel state needs a non-empty 'Branches' array");
                }
                List<StateMachine> list = new ArrayList<>();
                for (int i = 0; i < b.size(); i++) {
                    list.add(parse(b.get(i), at + "Branches[" + i + "]: "));
                }
                branches = List.copyOf(list);
            }
            default -> { }
        }
        DefinitionPaths.check(at, node);
        return new State(name, type, node, next, end, retriers, catchers, branches);
    }

    /**
     * ProcessorConfig (Mode INLINE, the default, or DISTRIBUTED with an ExecutionType), and the fields only a
     * distributed Map state may have: ItemReader, ItemBatcher, ResultWriter and Label.
     */
    private static void validateMapMode(JsonNode node, JsonNode processor, String at) {
        JsonNode config = processor.path("ProcessorConfig");
        boolean distributed = false;
        if (!config.isMissingNode()) {
            if (!config.isObject()) {
                throw invalid(at, "ItemProcessor.ProcessorConfig must be a JSON object");
            }
            JsonNode mode = config.get("Mode");
            if (mode != null && !(mode.isTextual() && (mode.asText().equals("INLINE")
                    || mode.asText().equals("DISTRIBUTED")))) {
                throw invalid(at, "ItemProcessor.ProcessorConfig.Mode must be INLINE or DISTRIBUTED, was " + mode);
            }
            distributed = mode != null && mode.asText().equals("DISTRIBUTED");
            JsonNode executionType = config.get("ExecutionType");
            if (distributed && (executionType == null || !(executionType.isTextual()
                    && (executionType.asText().equals("STANDARD") || executionType.asText().equals("EXPRESS"))))) {
                throw invalid(at, "a DISTRIBUTED Map state needs ItemProcessor.ProcessorConfig.ExecutionType "
                        + "STANDARD or EXPRESS" + (executionType == null ? "" : ", was " + executionType));
            }
            if (!distributed && executionType != null) {
                throw invalid(at, "ItemProcessor.ProcessorConfig.ExecutionType is only allowed with Mode DISTRIBUTED");
            }
        }
        if (!distributed) {
            for (String field : List.of("ItemReader", "ItemBatcher", "ResultWriter", "Label")) {
                if (node.has(field)) {
                    throw invalid(at, field + " is only allowed in a distributed Map state "
                            + "(\"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", ...}})");
                }
            }
            return;
        }
        if (node.has("ResultWriter")) {
            throw invalid(at, "ResultWriter is not supported by the local runtime: leave it out, and the Map state's "
                    + "result is the array of iteration outputs (within the 256 KiB payload quota)");
        }
        if (node.has("ItemReader")) {
            if (node.has("ItemsPath")) {
                throw invalid(at, "has both ItemReader and ItemsPath: with an ItemReader the items come from the "
                        + "reader, not from the state input");
            }
            ItemReader.validate(node.get("ItemReader"), at);
        }
        if (node.has("ItemBatcher")) {
            ItemBatcher.validate(node.get("ItemBatcher"), at);
        }
        JsonNode label = node.get("Label");
        if (label != null && !(label.isTextual() && label.asText().length() <= 40)) {
            throw invalid(at, "Label must be a string of at most 40 characters, was " + label);
        }
    }

    private static void validateChoice(JsonNode node, String at) {
        JsonNode choices = node.get("Choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw invalid(at, "a Choice state needs a non-empty 'Choices' array");
        }
        for (int i = 0; i < choices.size(); i++) {
            JsonNode rule = choices.get(i);
            if (!rule.hasNonNull("Next")) {
                throw invalid(at, "Choices[" + i + "] has no 'Next'");
            }
            validateRule(rule, at + "Choices[" + i + "]: ");
        }
    }

    private static void validateRule(JsonNode rule, String at) {
        if (!rule.isObject()) {
            throw invalid(at, "a choice rule must be an object");
        }
        int ops = 0;
        for (String f : List.of("And", "Or")) {
            if (rule.has(f)) {
                ops++;
                JsonNode list = rule.get(f);
                if (!list.isArray() || list.isEmpty()) {
                    throw invalid(at, f + " must be a non-empty array");
                }
                for (JsonNode r : list) {
                    if (r.has("Next")) {
                        throw invalid(at, "nested rules must not have 'Next'");
                    }
                    validateRule(r, at);
                }
            }
        }
        if (rule.has("Not")) {
            ops++;
            validateRule(rule.get("Not"), at);
        }
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (COMPARISON_OPERATORS.contains(f)) {
                ops++;
                if (!rule.has("Variable")) {
                    throw invalid(at, "comparison " + f + " needs a 'Variable'");
                }
            }
        }
        if (ops != 1) {
            throw invalid(at, "a choice rule needs exactly one comparison operator or And/Or/Not, found " + ops);
        }
    }

    private static List<Retrier> parseRetry(JsonNode retry, String at) {
        if (retry == null) {
            return List.of();
        }
        if (!retry.isArray()) {
            throw invalid(at, "'Retry' must be an array");
        }
        List<Retrier> list = new ArrayList<>();
        for (int i = 0; i < retry.size(); i++) {
            JsonNode r = retry.get(i);
            String rat = at + "Retry[" + i + "]: ";
            List<String> errors = errorEquals(r, rat, i == retry.size() - 1);
            double interval = r.has("IntervalSeconds") ? positiveInt(r.get("IntervalSeconds"), rat + "IntervalSeconds") : 1;
            int max = r.has("MaxAttempts") ? nonNegativeInt(r.get("MaxAttempts"), rat + "MaxAttempts") : 3;
            double backoff = r.has("BackoffRate") ? r.get("BackoffRate").asDouble() : 2.0;
            if (backoff < 1.0) {
                throw invalid(rat, "BackoffRate must be >= 1.0");
            }
            Integer maxDelay = r.has("MaxDelaySeconds") ? positiveInt(r.get("MaxDelaySeconds"), rat + "MaxDelaySeconds") : null;
            String jitter = r.path("JitterStrategy").asText("NONE");
            if (!jitter.equals("NONE") && !jitter.equals("FULL")) {
                throw invalid(rat, "JitterStrategy must be FULL or NONE");
            }
            list.add(new Retrier(errors, interval, max, backoff, maxDelay, "FULL".equals(jitter)));
        }
        return List.copyOf(list);
    }

    private static List<Catcher> parseCatch(JsonNode c, String at) {
        if (c == null) {
            return List.of();
        }
        if (!c.isArray()) {
            throw invalid(at, "'Catch' must be an array");
        }
        List<Catcher> list = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            JsonNode r = c.get(i);
            String cat = at + "Catch[" + i + "]: ";
            List<String> errors = errorEquals(r, cat, i == c.size() - 1);
            String next = text(r, "Next", cat + "Next");
            boolean hasResultPath = r.has("ResultPath");
            JsonNode rp = r.get("ResultPath");
            list.add(new Catcher(errors, next, hasResultPath ? (rp.isNull() ? null : rp.asText()) : "$"));
        }
        return List.copyOf(list);
    }

    private static List<String> errorEquals(JsonNode r, String at, boolean last) {
        JsonNode e = r.get("ErrorEquals");
        if (e == null || !e.isArray() || e.isEmpty()) {
            throw invalid(at, "'ErrorEquals' must be a non-empty array");
        }
        List<String> errors = new ArrayList<>();
        e.forEach(x -> errors.add(x.asText()));
        if (errors.contains(StatesErrors.ALL) && (errors.size() > 1 || !last)) {
            throw invalid(at, "States.ALL must appear alone in the last retrier or catcher");
        }
        return List.copyOf(errors);
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidDefinitionException(what + ": missing or not a string");
        }
        return v.asText();
    }

    private static int positiveInt(JsonNode v, String what) {
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new InvalidDefinitionException(what + " must be a positive integer, was " + v);
        }
        return v.asInt();
    }

    private static int nonNegativeInt(JsonNode v, String what) {
        if (v == null || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new InvalidDefinitionException(what + " must be a non-negative integer, was " + v);
        }
        return v.asInt();
    }

    private static InvalidDefinitionException invalid(String where, String message) {
        return new InvalidDefinitionException(where + message);
    }

    /** The definition as parsed (a private copy). */
    public JsonNode definition() {
        return definition.deepCopy();
    }

    public String startAt() {
        return startAt;
    }

    /** State names of this scope (not of nested Map/Parallel scopes), in definition order. */
    public Set<String> stateNames() {
        return states.keySet();
    }

    /** The execution timeout in seconds, or null when unbounded. */
    public Integer timeoutSeconds() {
        return timeoutSeconds;
    }

    State state(String name) {
        return states.get(name);
    }

    /** A Retry entry. */
    record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
                   Integer maxDelaySeconds, boolean fullJitter) {
        boolean matches(String error) {
            return errorEquals.stream().anyMatch(e -> StatesErrors.matches(e, error));
        }
    }

    /** A Catch entry; resultPath null means discard the error output. */
    record Catcher(List<String> errorEquals, String next, String resultPath) {
        boolean matches(String error) {
            return errorEquals.stream().anyMatch(e -> StatesErrors.matches(e, error));
        }
    }

    /** One parsed state. */
    record State(String name, StateType type, JsonNode node, String next, boolean end, List<Retrier> retriers,
                 List<Catcher> catchers, List<StateMachine> branches) {

        List<String> transitionTargets() {
            List<String> targets = new ArrayList<>();
            if (next != null) {
                targets.add(next);
            }
            catchers.forEach(c -> targets.add(c.next()));
            if (type == StateType.CHOICE) {
                node.get("Choices").forEach(c -> targets.add(c.get("Next").asText()));
                if (node.hasNonNull("Default")) {
                    targets.add(node.get("Default").asText());
                }
            }
            return targets;
        }

        String text(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        boolean has(String field) {
            return node.has(field);
        }

        JsonNode get(String field) {
            return node.get(field);
        }
    }
}
