package dev.flywheel.testing;

import dev.flywheel.lambda.LocalLambdaContext;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Handler tests' view of Lambda: event fixtures from {@code src/test/resources/events/} (with {@code ${NAME}}
 * placeholders for values only known at run time) sent as bytes through
 * {@link RequestStreamHandler#handleRequest}, the output read back as JSON.
 */
public final class LambdaEvents {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private LambdaEvents() {
    }

    /** The text of {@code events/<name>} on the test classpath, every {@code ${KEY}} replaced by its value. */
    public static String event(String name, Map<String, String> values) {
        String text;
        try (InputStream in = LambdaEvents.class.getClassLoader().getResourceAsStream("events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name + " on the test classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("fixture events/" + name + " needs a value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    public static String event(String name) {
        return event(name, Map.of());
    }

    /** Invokes the handler as Lambda does (bytes in, bytes out) and parses what it wrote. */
    public static JsonNode invoke(RequestStreamHandler handler, String event) {
        return Json.tree(invokeRaw(handler, event.getBytes(StandardCharsets.UTF_8)));
    }

    /** The raw output of one invocation. */
    public static String invokeRaw(RequestStreamHandler handler, byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out,
                    new LocalLambdaContext(handler.getClass().getSimpleName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
