package dev.flywheel.domain;

import java.util.Collection;
import java.util.regex.Pattern;

/** Constructor checks for the domain records; every failure is an {@link InvalidRecordException}. */
public final class Require {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Require() {
    }

    public static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException(field + " must not be blank");
        }
        return value;
    }

    /** Names of datasets, models and experiments: they become key and path segments. */
    public static String name(String value, String field) {
        text(value, field);
        if (!NAME.matcher(value).matches()) {
            throw new InvalidRecordException(field + " '" + value
                    + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    public static String sha256(String value, String field) {
        if (value == null || !SHA256.matcher(value).matches()) {
            throw new InvalidRecordException(field + " must be 64 lower-case hex digits (a sha256), got '" + value + "'");
        }
        return value;
    }

    public static int positive(int value, String field) {
        if (value < 1) {
            throw new InvalidRecordException(field + " must be at least 1, got " + value);
        }
        return value;
    }

    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new InvalidRecordException(field + " must not be negative, got " + value);
        }
        return value;
    }

    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new InvalidRecordException(field + " must be given");
        }
        return value;
    }

    public static <T extends Collection<?>> T notEmpty(T value, String field) {
        if (value == null || value.isEmpty()) {
            throw new InvalidRecordException(field + " must not be empty");
        }
        return value;
    }
}
