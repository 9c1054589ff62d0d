package dev.flywheel.config;

/** A configuration variable is missing or invalid; the message names it. */
public class ConfigException extends IllegalStateException {
    public ConfigException(String message) {
        super(message);
    }
}
