package dev.flywheel.functions.inference;

/** A request the API answers with a client error other than 400 (404 for routes, 405, 413). */
final class ApiException extends RuntimeException {
    private final int status;
    private final String allow;

    ApiException(int status, String message) {
        this(status, message, null);
    }

    ApiException(int status, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
    }

    int status() {
        return status;
    }

    /** The methods a path allows (the {@code Allow} header of a 405), or null. */
    String allow() {
        return allow;
    }
}
