package dev.flywheel.json;

import dev.flywheel.domain.InvalidInputException;


import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** How the ML handlers read their event and write their result: Jackson, camelCase, unknown fields ignored. */
public final class RequestJson {
    private RequestJson() {
    }

    /** @throws InvalidInputException when the event is not valid JSON for {@code type} */
    public static <T> T read(InputStream input, Class<T> type) {
        try {
            T value = Json.mapper().readValue(input, type);
            if (value == null) {
                throw new InvalidInputException("the event is empty: send a JSON object");
            }
            return value;
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof InvalidInputException iie ? iie : e;
            if (cause instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException("the event is not a valid " + type.getSimpleName() + fieldOf(e) + ": "
                    + firstLine(e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** " (field maxBadRowFraction)" for a mapping error inside a field, else "". */
    private static String fieldOf(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (var reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return path.length() == 0 ? "" : " (field " + path + ")";
        }
        return "";
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    public static void write(OutputStream output, Object value) {
        try {
            Json.mapper().writeValue(output, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
