package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The intrinsic functions of the Amazon States Language ({@code States.Format}, {@code States.Array}...), used as
 * values of {@code .$} keys in payload templates. Arguments are string literals in single quotes (with the escapes
 * {@code \' \{ \} \\}), numbers, {@code true}/{@code false}/{@code null}, paths ({@code $.x}, {@code $$.x}) and
 * nested calls. Failures are {@code States.IntrinsicFailure}.
 */
final class Intrinsics {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> HASH_ALGORITHMS = Set.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512");
    private static final int MAX_ARRAY_RANGE = 1000;
    private static final int MAX_ENCODE_INPUT = 10_000;

    /** Each function's least and most arguments (-1: no most). */
    private static final Map<String, int[]> ARGUMENTS = Map.ofEntries(
            Map.entry("States.Format", new int[] {1, -1}),
            Map.entry("States.StringToJson", new int[] {1, 1}),
            Map.entry("States.JsonToString", new int[] {1, 1}),
            Map.entry("States.Array", new int[] {0, -1}),
            Map.entry("States.ArrayPartition", new int[] {2, 2}),
            Map.entry("States.ArrayContains", new int[] {2, 2}),
            Map.entry("States.ArrayRange", new int[] {3, 3}),
            Map.entry("States.ArrayGetItem", new int[] {2, 2}),
            Map.entry("States.ArrayLength", new int[] {1, 1}),
            Map.entry("States.ArrayUnique", new int[] {1, 1}),
            Map.entry("States.Base64Encode", new int[] {1, 1}),
            Map.entry("States.Base64Decode", new int[] {1, 1}),
            Map.entry("States.Hash", new int[] {2, 2}),
            Map.entry("States.JsonMerge", new int[] {3, 3}),
            Map.entry("States.MathRandom", new int[] {2, 3}),
            Map.entry("States.MathAdd", new int[] {2, 2}),
            Map.entry("States.StringSplit", new int[] {2, 2}),
            Map.entry("States.UUID", new int[] {0, 0}));

    private final Random random;

    Intrinsics(Random random) {
        this.random = random;
    }

    /**
     * Checks an intrinsic function call without evaluating it, as CreateStateMachine does: its syntax, that every
     * function exists and gets an acceptable number of arguments; {@code pathCheck} is given every path argument.
     *
     * @throws StatesException {@code States.IntrinsicFailure} describing the first problem
     */
    static void validate(String expression, Consumer<String> pathCheck) {
        Parser parser = new Parser(expression);
        Call call = parser.parseCall();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw StatesException.intrinsic("Unexpected text after the intrinsic function in '" + expression + "'");
        }
        validate(call, pathCheck);
    }

    private static void validate(Expr expr, Consumer<String> pathCheck) {
        if (expr instanceof PathExpr p) {
            pathCheck.accept(p.path());
        } else if (expr instanceof Call call) {
            checkArity(call.name(), call.args().size());
            call.args().forEach(a -> validate(a, pathCheck));
        }
    }

    JsonNode evaluate(String expression, JsonNode input, JsonNode context) {
        Parser parser = new Parser(expression);
        Expr call = parser.parseCall();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw StatesException.intrinsic("Unexpected text after the intrinsic function in '" + expression + "'");
        }
        return eval(call, input, context);
    }

    // ---- AST ----
    private sealed interface Expr permits Literal, StringLiteral, PathExpr, Call { }

    private record Literal(JsonNode value) implements Expr { }

    /** Keeps the escaped body so that States.Format can tell {@code \{} from a placeholder. */
    private record StringLiteral(String escaped) implements Expr { }

    private record PathExpr(String path) implements Expr { }

    private record Call(String name, List<Expr> args) implements Expr { }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        void skipSpaces() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Call parseCall() {
            skipSpaces();
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String name = s.substring(start, i);
            if (!name.startsWith("States.")) {
                throw StatesException.intrinsic("Expected an intrinsic function at position " + start + " of '" + s + "'");
            }
            skipSpaces();
            expect('(');
            List<Expr> args = new ArrayList<>();
            skipSpaces();
            if (peek() == ')') {
                i++;
                return new Call(name, args);
            }
            while (true) {
                args.add(parseArg());
                skipSpaces();
                char c = peek();
                i++;
                if (c == ')') {
                    return new Call(name, args);
                }
                if (c != ',') {
                    throw StatesException.intrinsic("Expected ',' or ')' at position " + (i - 1) + " of '" + s + "'");
                }
            }
        }

        private Expr parseArg() {
            skipSpaces();
            char c = peek();
            if (c == '\'') {
                return parseString();
            }
            if (c == '$') {
                return parsePath();
            }
            if (s.startsWith("States.", i)) {
                return parseCall();
            }
            int start = i;
            while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ')') {
                i++;
            }
            String token = s.substring(start, i).trim();
            switch (token) {
                case "true":
                    return new Literal(BooleanNode.TRUE);
                case "false":
                    return new Literal(BooleanNode.FALSE);
                case "null":
                    return new Literal(NullNode.getInstance());
                default:
                    try {
                        JsonNode n = StateMachine.MAPPER.readTree(token);
                        if (n != null && n.isNumber()) {
                            return new Literal(n);
                        }
                    } catch (JsonProcessingException e) {
                        // fall through
                    }
                    throw StatesException.intrinsic("Invalid argument '" + token + "' in '" + s + "'");
            }
        }

        private Expr parseString() {
            i++;
            StringBuilder raw = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    raw.append(c).append(s.charAt(i + 1));
                    i += 2;
                } else if (c == '\'') {
                    i++;
                    return new StringLiteral(raw.toString());
                } else {
                    raw.append(c);
                    i++;
                }
            }
            throw StatesException.intrinsic("Unterminated string literal in '" + s + "'");
        }

        private Expr parsePath() {
            int start = i;
            int depth = 0;
            char quote = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (depth > 0 && (c == '\'' || c == '"')) {
                    quote = c;
                } else if (c == '[' || c == '(') {
                    depth++;
                } else if (c == ']' || (c == ')' && depth > 0)) {
                    depth--;
                } else if (depth == 0 && (c == ',' || c == ')')) {
                    break;
                }
                i++;
            }
            return new PathExpr(s.substring(start, i).trim());
        }

        private char peek() {
            if (i >= s.length()) {
                throw StatesException.intrinsic("Unexpected end of '" + s + "'");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw StatesException.intrinsic("Expected '" + c + "' at position " + i + " of '" + s + "'");
            }
            i++;
        }
    }

    // ---- evaluation ----
    private JsonNode eval(Expr expr, JsonNode input, JsonNode context) {
        if (expr instanceof Literal l) {
            return l.value();
        }
        if (expr instanceof StringLiteral sl) {
            return TextNode.valueOf(unescape(sl.escaped()));
        }
        if (expr instanceof PathExpr p) {
            String path = p.path();
            JsonNode doc = path.startsWith("$$") ? context : input;
            String rel = path.startsWith("$$") ? path.substring(1) : path;
            return JsonPaths.find(doc, rel).orElseThrow(() -> StatesException.runtime("The JSONPath '" + path
                    + "' used as an intrinsic function argument could not be found in " + JsonPaths.abbreviate(doc)));
        }
        Call call = (Call) expr;
        if (call.name().equals("States.Format")) {
            return format(call, input, context);
        }
        List<JsonNode> args = new ArrayList<>(call.args().size());
        for (Expr a : call.args()) {
            args.add(eval(a, input, context));
        }
        return apply(call.name(), args);
    }

    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int k = 0; k < escaped.length(); k++) {
            char c = escaped.charAt(k);
            if (c == '\\' && k + 1 < escaped.length()) {
                out.append(escaped.charAt(++k));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private JsonNode format(Call call, JsonNode input, JsonNode context) {
        if (call.args().isEmpty()) {
            throw StatesException.intrinsic("States.Format needs a template string");
        }
        Expr first = call.args().get(0);
        String template;
        if (first instanceof StringLiteral sl) {
            template = sl.escaped();
        } else {
            JsonNode t = eval(first, input, context);
            if (!t.isTextual()) {
                throw StatesException.intrinsic("The first argument of States.Format must be a string");
            }
            template = t.asText();
        }
        List<JsonNode> values = new ArrayList<>();
        for (Expr a : call.args().subList(1, call.args().size())) {
            values.add(eval(a, input, context));
        }
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int k = 0; k < template.length(); k++) {
            char c = template.charAt(k);
            if (c == '\\' && k + 1 < template.length()) {
                out.append(template.charAt(++k));
            } else if (c == '{' && k + 1 < template.length() && template.charAt(k + 1) == '}') {
                if (used >= values.size()) {
                    throw StatesException.intrinsic("States.Format has more placeholders than arguments");
                }
                JsonNode v = values.get(used++);
                if (v.isContainerNode()) {
                    throw StatesException.intrinsic("States.Format arguments must be strings, numbers, booleans or null");
                }
                out.append(v.isTextual() ? v.asText() : v.toString());
                k++;
            } else {
                out.append(c);
            }
        }
        if (used != values.size()) {
            throw StatesException.intrinsic("States.Format has " + values.size() + " arguments but " + used
                    + " placeholders");
        }
        return TextNode.valueOf(out.toString());
    }

    private JsonNode apply(String name, List<JsonNode> a) {
        checkArity(name, a.size());
        switch (name) {
            case "States.StringToJson": {
                try {
                    return StateMachine.MAPPER.readTree(string(name, a, 0));
                } catch (JsonProcessingException e) {
                    throw StatesException.intrinsic("States.StringToJson: not valid JSON: " + e.getOriginalMessage());
                }
            }
            case "States.JsonToString":
                return TextNode.valueOf(a.get(0).toString());
            case "States.Array": {
                ArrayNode out = NODES.arrayNode();
                a.forEach(out::add);
                return out;
            }
            case "States.ArrayPartition": {
                ArrayNode arr = array(name, a, 0);
                int size = integer(name, a, 1);
                if (size <= 0) {
                    throw StatesException.intrinsic("States.ArrayPartition: chunk size must be positive");
                }
                ArrayNode out = NODES.arrayNode();
                ArrayNode chunk = null;
                for (int k = 0; k < arr.size(); k++) {
                    if (k % size == 0) {
                        chunk = out.addArray();
                    }
                    chunk.add(arr.get(k));
                }
                return out;
            }
            case "States.ArrayContains": {
                ArrayNode arr = array(name, a, 0);
                for (JsonNode v : arr) {
                    if (v.equals(JsonEquivalence.NUMERIC_AWARE, a.get(1))) {
                        return BooleanNode.TRUE;
                    }
                }
                return BooleanNode.FALSE;
            }
            case "States.ArrayRange": {
                int first = integer(name, a, 0);
                int last = integer(name, a, 1);
                int step = integer(name, a, 2);
                if (step == 0) {
                    throw StatesException.intrinsic("States.ArrayRange: step must not be 0");
                }
                ArrayNode out = NODES.arrayNode();
                for (long v = first; step > 0 ? v <= last : v >= last; v += step) {
                    if (out.size() == MAX_ARRAY_RANGE) {
                        throw StatesException.intrinsic("States.ArrayRange: more than 1000 items");
                    }
                    out.add((int) v);
                }
                return out;
            }
            case "States.ArrayGetItem": {
                ArrayNode arr = array(name, a, 0);
                int index = integer(name, a, 1);
                if (index < 0 || index >= arr.size()) {
                    throw StatesException.intrinsic("States.ArrayGetItem: index " + index + " out of bounds");
                }
                return arr.get(index);
            }
            case "States.ArrayLength":
                return NODES.numberNode(array(name, a, 0).size());
            case "States.ArrayUnique": {
                ArrayNode out = NODES.arrayNode();
                Set<JsonNode> seen = new LinkedHashSet<>();
                for (JsonNode v : array(name, a, 0)) {
                    if (seen.add(v)) {
                        out.add(v);
                    }
                }
                return out;
            }
            case "States.Base64Encode": {
                String s = string(name, a, 0);
                limit(name, s);
                return TextNode.valueOf(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            }
            case "States.Base64Decode": {
                String s = string(name, a, 0);
                limit(name, s);
                try {
                    return TextNode.valueOf(new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw StatesException.intrinsic("States.Base64Decode: not valid base64");
                }
            }
            case "States.Hash": {
                String algorithm = string(name, a, 1);
                if (!HASH_ALGORITHMS.contains(algorithm)) {
                    throw StatesException.intrinsic("States.Hash: unsupported algorithm '" + algorithm
                            + "' (MD5, SHA-1, SHA-256, SHA-384, SHA-512)");
                }
                JsonNode data = a.get(0);
                String s = data.isTextual() ? data.asText() : data.toString();
                limit(name, s);
                try {
                    byte[] digest = MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8));
                    return TextNode.valueOf(HexFormat.of().formatHex(digest));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("JDK lacks " + algorithm, e);
                }
            }
            case "States.JsonMerge": {
                if (!a.get(0).isObject() || !a.get(1).isObject()) {
                    throw StatesException.intrinsic("States.JsonMerge: both arguments must be objects");
                }
                if (!a.get(2).isBoolean() || a.get(2).asBoolean()) {
                    throw StatesException.intrinsic("States.JsonMerge: only shallow merges (third argument false) "
                            + "are supported");
                }
                ObjectNode out = ((ObjectNode) a.get(0)).deepCopy();
                out.setAll((ObjectNode) a.get(1).deepCopy());
                return out;
            }
            case "States.MathRandom": {
                int start = integer(name, a, 0);
                int end = integer(name, a, 1);
                if (end <= start) {
                    throw StatesException.intrinsic("States.MathRandom: end must be greater than start");
                }
                Random r = a.size() == 3 ? new Random(integer(name, a, 2)) : random;
                return NODES.numberNode(start + r.nextInt(end - start));
            }
            case "States.MathAdd": {
                long sum = (long) integer(name, a, 0) + integer(name, a, 1);
                if (sum > Integer.MAX_VALUE || sum < Integer.MIN_VALUE) {
                    throw StatesException.intrinsic("States.MathAdd: result out of the integer range");
                }
                return NODES.numberNode((int) sum);
            }
            case "States.StringSplit": {
                String s = string(name, a, 0);
                String delimiters = string(name, a, 1);
                ArrayNode out = NODES.arrayNode();
                StringBuilder token = new StringBuilder();
                for (int k = 0; k < s.length(); k++) {
                    char c = s.charAt(k);
                    if (delimiters.indexOf(c) >= 0) {
                        if (token.length() > 0) {
                            out.add(token.toString());
                        }
                        token.setLength(0);
                    } else {
                        token.append(c);
                    }
                }
                if (token.length() > 0) {
                    out.add(token.toString());
                }
                return out;
            }
            case "States.UUID": {
                byte[] bytes = new byte[16];
                random.nextBytes(bytes);
                bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
                bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
                long msb = 0;
                long lsb = 0;
                for (int k = 0; k < 8; k++) {
                    msb = (msb << 8) | (bytes[k] & 0xff);
                    lsb = (lsb << 8) | (bytes[k + 8] & 0xff);
                }
                return TextNode.valueOf(new UUID(msb, lsb).toString());
            }
            default:
                throw StatesException.intrinsic("Unknown intrinsic function " + name);
        }
    }

    /** Throws {@code States.IntrinsicFailure} for an unknown function or a wrong number of arguments. */
    private static void checkArity(String name, int count) {
        int[] range = ARGUMENTS.get(name);
        if (range == null) {
            throw StatesException.intrinsic("Unknown intrinsic function " + name);
        }
        if (count < range[0] || (range[1] >= 0 && count > range[1])) {
            String expected = range[1] < 0 ? "at least " + range[0]
                    : range[0] == range[1] ? Integer.toString(range[0]) : range[0] + " to " + range[1];
            throw StatesException.intrinsic(name + " takes " + expected + " argument(s), got " + count);
        }
    }

    private static String string(String name, List<JsonNode> a, int k) {
        if (!a.get(k).isTextual()) {
            throw StatesException.intrinsic(name + ": argument " + (k + 1) + " must be a string, was " + a.get(k));
        }
        return a.get(k).asText();
    }

    private static ArrayNode array(String name, List<JsonNode> a, int k) {
        if (!a.get(k).isArray()) {
            throw StatesException.intrinsic(name + ": argument " + (k + 1) + " must be an array, was "
                    + JsonPaths.abbreviate(a.get(k)));
        }
        return (ArrayNode) a.get(k);
    }

    private static int integer(String name, List<JsonNode> a, int k) {
        JsonNode v = a.get(k);
        if (!v.isNumber()) {
            throw StatesException.intrinsic(name + ": argument " + (k + 1) + " must be an integer, was " + v);
        }
        BigDecimal d = v.decimalValue();
        try {
            return d.intValueExact();
        } catch (ArithmeticException e) {
            throw StatesException.intrinsic(name + ": argument " + (k + 1) + " must be an integer, was " + v);
        }
    }

    private static void limit(String name, String s) {
        if (s.length() > MAX_ENCODE_INPUT) {
            throw StatesException.intrinsic(name + ": input longer than " + MAX_ENCODE_INPUT + " characters");
        }
    }
}
