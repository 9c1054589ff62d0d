package dev.flywheel.store;

import java.util.regex.Pattern;

/** Validation of artifact keys, shared by every adapter so that all accept exactly the same keys. */
public final class ArtifactKeys {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._=+-]+");

    private ArtifactKeys() {
    }

    /** @throws IllegalArgumentException for keys that could escape the store or differ between adapters */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("artifact key must not be empty");
        }
        if (key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("artifact key '" + key + "' must not start or end with '/'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("artifact key '" + key + "' has an invalid segment '" + segment
                        + "': use letters, digits and . _ = + - between single slashes");
            }
        }
        return key;
    }

    /** A prefix for listing: empty, or a key-like string that may end with '/'. */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        check(trimmed);
        return prefix;
    }
}
