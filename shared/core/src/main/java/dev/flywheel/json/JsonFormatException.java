package dev.flywheel.json;

/** Input that is not the JSON it should be: a client error. */
public class JsonFormatException extends IllegalArgumentException {
    public JsonFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
