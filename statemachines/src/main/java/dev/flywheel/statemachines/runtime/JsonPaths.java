package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * JSONPath reads (Jayway JsonPath over Jackson trees), reference-path writes for ResultPath, and payload templates
 * (Parameters, ItemSelector, ResultSelector). Values are never mutated in place: writes work on copies.
 */
final class JsonPaths {
    private static final Configuration CONFIGURATION = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(StateMachine.MAPPER))
            .mappingProvider(new JacksonMappingProvider(StateMachine.MAPPER))
            .build();
    private static final Map<String, JsonPath> COMPILED = new ConcurrentHashMap<>();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Bracket contents: indexes ({@code 0}, {@code 1,2}) or a slice ({@code 1:3}, {@code -2:}). */
    private static final Pattern INDEXES = Pattern.compile(
            "-?\\d+(\\s*,\\s*-?\\d+)*|-?\\d*\\s*:\\s*-?\\d*(\\s*:\\s*-?\\d*)?");
    /** Bracket contents: quoted names ({@code 'a b'}, {@code 'a','b'}). */
    private static final Pattern NAMES = Pattern.compile(
            "('([^'\\\\]|\\\\.)*'|\"([^\"\\\\]|\\\\.)*\")(\\s*,\\s*('([^'\\\\]|\\\\.)*'|\"([^\"\\\\]|\\\\.)*\"))*");
    /** Characters of JSONPath operators, which a reference path's dot-notation field may not contain. */
    private static final String NOT_IN_FIELDS = "]*()?@'\"";

    private JsonPaths() {
    }

    /** Reads a path; empty when a definite path matches nothing. Indefinite paths give an array of matches. */
    static Optional<JsonNode> find(JsonNode document, String path) {
        if ("$".equals(path)) {
            return Optional.of(document);
        }
        JsonPath compiled = compile(path);
        try {
            Object value = compiled.read(document, CONFIGURATION);
            return Optional.of(toNode(value));
        } catch (PathNotFoundException e) {
            return Optional.empty();
        } catch (JsonPathException | IllegalArgumentException e) {
            // e.g. a property read on a string: the path does not match this document
            return Optional.empty();
        }
    }

    /** Reads a path that must match, else {@code States.Runtime} naming the path and what was being evaluated. */
    static JsonNode read(JsonNode document, String path, String what) {
        return find(document, path).orElseThrow(() -> StatesException.runtime("Invalid path '" + path + "' : "
                + what + ": no value at that path in " + abbreviate(document)));
    }

    /** Reads {@code $...} against the input or {@code $$...} against the context object. */
    static JsonNode readInputOrContext(JsonNode input, JsonNode context, String path, String what) {
        if (path.startsWith("$$")) {
            return read(context, path.substring(1), what);
        }
        return read(input, path, what);
    }

    /**
     * Why {@code path} is not a valid JSONPath, or null when it is: a syntax check of the root, dot and bracket
     * segments (Jayway's own compiler accepts, for one, an unclosed {@code [} as part of a name), then Jayway's
     * compiler for what is inside filters. A context path ({@code $$...}) is checked as the path after its first
     * {@code $}.
     */
    static String syntaxError(String path) {
        String p = path.startsWith("$$") ? path.substring(1) : path;
        if (!p.startsWith("$")) {
            return "a path starts with '$'";
        }
        int n = p.length();
        int i = 1;
        while (i < n) {
            char c = p.charAt(i);
            if (c == '.') {
                int j = i + 1;
                if (j < n && p.charAt(j) == '.') {
                    j++;
                }
                if (j >= n) {
                    return "it ends with '.'";
                }
                char first = p.charAt(j);
                if (first == '[') {
                    i = j;
                } else if (first == '*') {
                    i = j + 1;
                } else {
                    int end = j;
                    while (end < n && p.charAt(end) != '.' && p.charAt(end) != '[') {
                        end++;
                    }
                    String name = p.substring(j, end);
                    boolean function = end == n && name.endsWith("()") && name.length() > 2;
                    String plain = function ? name.substring(0, name.length() - 2) : name;
                    for (int k = 0; k < plain.length(); k++) {
                        char x = plain.charAt(k);
                        if (Character.isWhitespace(x) || "[]()'\"?@,".indexOf(x) >= 0) {
                            return "unexpected '" + x + "' at position " + (j + k) + " (use ['...'] for a name with "
                                    + "such characters)";
                        }
                    }
                    i = end;
                }
            } else if (c == '[') {
                int close = closingBracket(p, i);
                if (close < 0) {
                    return "the '[' at position " + i + " is not closed";
                }
                String inner = p.substring(i + 1, close).trim();
                if (!validBracket(inner)) {
                    return "'[" + inner + "]' at position " + i + " is neither a quoted name, an index, a slice, "
                            + "'*' nor a filter";
                }
                i = close + 1;
            } else {
                return "unexpected '" + c + "' at position " + i;
            }
        }
        try {
            JsonPath.compile(p);
        } catch (InvalidPathException e) {
            return e.getMessage();
        }
        return null;
    }

    /** The index of the ']' closing the '[' at {@code open}, skipping quoted text and parentheses; -1 if none. */
    private static int closingBracket(String p, int open) {
        char quote = 0;
        int depth = 0;
        for (int k = open + 1; k < p.length(); k++) {
            char c = p.charAt(k);
            if (quote != 0) {
                if (c == '\\') {
                    k++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ']' && depth == 0) {
                return k;
            }
        }
        return -1;
    }

    private static boolean validBracket(String inner) {
        if (inner.equals("*") || INDEXES.matcher(inner).matches() || NAMES.matcher(inner).matches()) {
            return true;
        }
        return (inner.startsWith("?(") || inner.startsWith("(")) && inner.endsWith(")");
    }

    static JsonPath compile(String path) {
        JsonPath p = COMPILED.get(path);
        if (p != null) {
            return p;
        }
        try {
            p = JsonPath.compile(path);
        } catch (InvalidPathException e) {
            throw StatesException.runtime("Invalid JSONPath '" + path + "': " + e.getMessage());
        }
        if (COMPILED.size() < 10_000) {
            COMPILED.put(path, p);
        }
        return p;
    }

    static JsonNode toNode(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        return StateMachine.MAPPER.valueToTree(value);
    }

    /** Applies InputPath or OutputPath: absent means "$", JSON null means {@code {}}. */
    static JsonNode select(JsonNode document, JsonNode pathField, String fieldName) {
        if (pathField == null) {
            return document;
        }
        if (pathField.isNull()) {
            return NODES.objectNode();
        }
        return read(document, pathField.asText(), fieldName);
    }

    /**
     * Applies a ResultPath (a reference path) to the raw state input: null keeps the input, "$" replaces it, a
     * deeper path writes the result there, creating missing objects. A path through a non-object value fails with
     * {@code States.ResultPathMatchFailure}.
     */
    static JsonNode applyResultPath(JsonNode rawInput, JsonNode result, String resultPath, boolean present) {
        if (!present || "$".equals(resultPath)) {
            return result;
        }
        if (resultPath == null) {
            return rawInput;
        }
        List<Object> segments = parseReferencePath(resultPath);
        if (!rawInput.isObject() && !(rawInput.isArray() && segments.get(0) instanceof Integer)) {
            throw new StatesException(StatesErrors.RESULT_PATH_MATCH_FAILURE, "Unable to apply ResultPath '"
                    + resultPath + "' to input " + abbreviate(rawInput) + ": the input is not an object");
        }
        JsonNode root = rawInput.deepCopy();
        JsonNode current = root;
        for (int i = 0; i < segments.size(); i++) {
            Object seg = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (seg instanceof String field) {
                if (!(current instanceof ObjectNode obj)) {
                    throw resultPathFailure(resultPath, rawInput);
                }
                if (last) {
                    obj.set(field, result);
                } else {
                    JsonNode child = obj.get(field);
                    if (child == null || child.isNull()) {
                        child = obj.putObject(field);
                    }
                    current = child;
                }
            } else {
                int index = (Integer) seg;
                if (!(current instanceof ArrayNode arr) || index >= arr.size()) {
                    throw resultPathFailure(resultPath, rawInput);
                }
                if (last) {
                    arr.set(index, result);
                } else {
                    current = arr.get(index);
                }
            }
        }
        return root;
    }

    private static StatesException resultPathFailure(String path, JsonNode input) {
        return new StatesException(StatesErrors.RESULT_PATH_MATCH_FAILURE,
                "Unable to apply ResultPath '" + path + "' to input " + abbreviate(input));
    }

    /** Splits {@code $.a.b[0]['c d']} into fields and indexes; rejects operators that are not reference paths. */
    static List<Object> parseReferencePath(String path) {
        List<Object> out = new ArrayList<>();
        if (!path.startsWith("$")) {
            throw StatesException.runtime("Invalid reference path '" + path + "'");
        }
        int i = 1;
        int n = path.length();
        while (i < n) {
            char c = path.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < n && path.charAt(j) != '.' && path.charAt(j) != '[') {
                    j++;
                }
                String field = path.substring(i + 1, j);
                boolean operator = field.chars()
                        .anyMatch(x -> Character.isWhitespace(x) || NOT_IN_FIELDS.indexOf(x) >= 0);
                if (field.isEmpty() || operator) {
                    throw StatesException.runtime("Invalid reference path '" + path + "': only fields and array "
                            + "indexes are allowed");
                }
                out.add(field);
                i = j;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw StatesException.runtime("Invalid reference path '" + path + "'");
                }
                String inner = path.substring(i + 1, close).trim();
                if ((inner.startsWith("'") && inner.endsWith("'")) || (inner.startsWith("\"") && inner.endsWith("\""))) {
                    out.add(inner.substring(1, inner.length() - 1));
                } else {
                    try {
                        out.add(Integer.parseInt(inner));
                    } catch (NumberFormatException e) {
                        throw StatesException.runtime("Invalid reference path '" + path + "': only fields and array "
                                + "indexes are allowed");
                    }
                }
                i = close + 1;
            } else {
                throw StatesException.runtime("Invalid reference path '" + path + "'");
            }
        }
        return out;
    }

    /**
     * Evaluates a payload template: keys ending in {@code .$} take the value of a path ({@code $} on the input,
     * {@code $$} on the context object) or of an intrinsic function; other values are copied as they are.
     */
    static JsonNode applyTemplate(JsonNode template, JsonNode input, JsonNode context, Intrinsics intrinsics,
                                  String fieldName) {
        if (template.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                JsonNode value = e.getValue();
                if (key.endsWith(".$") && key.length() > 2) {
                    if (!value.isTextual()) {
                        throw StatesException.runtime("The value for the field '" + key + "' in " + fieldName
                                + " must be a string path or intrinsic function");
                    }
                    out.set(key.substring(0, key.length() - 2),
                            evaluateExpression(value.asText(), input, context, intrinsics,
                                    "The JSONPath '" + value.asText() + "' specified for the field '" + key
                                            + "' in " + fieldName + " could not be found in the input"));
                } else {
                    out.set(key, applyTemplate(value, input, context, intrinsics, fieldName));
                }
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = NODES.arrayNode();
            template.forEach(v -> out.add(applyTemplate(v, input, context, intrinsics, fieldName)));
            return out;
        }
        return template;
    }

    static JsonNode evaluateExpression(String expression, JsonNode input, JsonNode context, Intrinsics intrinsics,
                                       String what) {
        String trimmed = expression.trim();
        if (trimmed.startsWith("States.")) {
            return intrinsics.evaluate(trimmed, input, context);
        }
        if (!trimmed.startsWith("$")) {
            throw StatesException.runtime(what + ": '" + expression + "' is neither a path nor an intrinsic function");
        }
        JsonNode document = trimmed.startsWith("$$") ? context : input;
        String path = trimmed.startsWith("$$") ? trimmed.substring(1) : trimmed;
        return find(document, path).orElseThrow(() -> StatesException.runtime(what + ": " + abbreviate(document)));
    }

    static String abbreviate(JsonNode node) {
        String s = node == null ? "null" : node.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
