package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Optional;

/**
 * Evaluates Choice rules. A comparison whose operand has another type than the operator expects is false (AWS does
 * not coerce); a {@code Variable} (or {@code ...Path} operand) that matches nothing is a {@code States.Runtime}
 * error, except for {@code IsPresent}.
 */
final class ChoiceRules {
    private ChoiceRules() {
    }

    static boolean matches(JsonNode rule, JsonNode input, JsonNode context) {
        if (rule.has("And")) {
            for (JsonNode r : rule.get("And")) {
                if (!matches(r, input, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode r : rule.get("Or")) {
                if (matches(r, input, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), input, context);
        }
        String variable = rule.get("Variable").asText();
        String operator = operator(rule);
        JsonNode expected = rule.get(operator);
        Optional<JsonNode> found = lookup(variable, input, context);
        if (operator.equals("IsPresent")) {
            return found.isPresent() == expected.asBoolean();
        }
        JsonNode value = found.orElseThrow(() -> StatesException.runtime("Invalid path '" + variable
                + "': The choice state's condition path references an invalid value."));
        if (operator.endsWith("Path")) {
            String path = expected.asText();
            expected = lookup(path, input, context).orElseThrow(() -> StatesException.runtime("Invalid path '"
                    + path + "': The choice state's condition path references an invalid value."));
            operator = operator.substring(0, operator.length() - 4);
        }
        switch (operator) {
            case "IsNull":
                return value.isNull() == expected.asBoolean();
            case "IsNumeric":
                return value.isNumber() == expected.asBoolean();
            case "IsString":
                return value.isTextual() == expected.asBoolean();
            case "IsBoolean":
                return value.isBoolean() == expected.asBoolean();
            case "IsTimestamp":
                return (parseTimestamp(value) != null) == expected.asBoolean();
            case "StringMatches":
                return value.isTextual() && expected.isTextual() && wildcardMatches(expected.asText(), value.asText());
            case "BooleanEquals":
                return value.isBoolean() && expected.isBoolean() && value.asBoolean() == expected.asBoolean();
            default:
                break;
        }
        if (operator.startsWith("String")) {
            if (!value.isTextual() || !expected.isTextual()) {
                return false;
            }
            return compare(operator.substring("String".length()), value.asText().compareTo(expected.asText()));
        }
        if (operator.startsWith("Numeric")) {
            if (!value.isNumber() || !expected.isNumber()) {
                return false;
            }
            return compare(operator.substring("Numeric".length()), value.decimalValue().compareTo(expected.decimalValue()));
        }
        if (operator.startsWith("Timestamp")) {
            OffsetDateTime a = parseTimestamp(value);
            OffsetDateTime b = parseTimestamp(expected);
            if (a == null || b == null) {
                return false;
            }
            return compare(operator.substring("Timestamp".length()), a.toInstant().compareTo(b.toInstant()));
        }
        throw StatesException.runtime("Unsupported choice operator " + operator);
    }

    private static String operator(JsonNode rule) {
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("Variable") && !f.equals("Next") && !f.equals("Comment")) {
                return f;
            }
        }
        throw StatesException.runtime("Choice rule without an operator: " + rule);
    }

    private static boolean compare(String relation, int cmp) {
        return switch (relation) {
            case "Equals" -> cmp == 0;
            case "LessThan" -> cmp < 0;
            case "GreaterThan" -> cmp > 0;
            case "LessThanEquals" -> cmp <= 0;
            case "GreaterThanEquals" -> cmp >= 0;
            default -> throw StatesException.runtime("Unsupported comparison " + relation);
        };
    }

    private static Optional<JsonNode> lookup(String path, JsonNode input, JsonNode context) {
        if (path.startsWith("$$")) {
            return JsonPaths.find(context, path.substring(1));
        }
        return JsonPaths.find(input, path);
    }

    /** RFC 3339 timestamps as AWS accepts them: an uppercase T between date and time, and a zone (Z or offset). */
    static OffsetDateTime parseTimestamp(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        String s = value.asText();
        if (s.indexOf('T') < 0) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code StringMatches}: {@code *} matches any run of characters (including none); {@code \*} is a literal
     * asterisk and {@code \\} a literal backslash.
     */
    static boolean wildcardMatches(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(pattern.charAt(++i));
            } else if (c == '*') {
                if (literal.length() > 0) {
                    regex.append(java.util.regex.Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append("(?s:.*)");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(java.util.regex.Pattern.quote(literal.toString()));
        }
        return java.util.regex.Pattern.matches(regex.toString(), text);
    }
}
