package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An execution input larger than {@link Quotas#PAYLOAD_BYTES}: Step Functions' StartExecution refuses it, so no
 * execution starts and no history is written.
 */
public final class ExecutionInputTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long bytes;

    public ExecutionInputTooLargeException(long bytes) {
        super(String.format("The execution input is %,d bytes; Step Functions accepts at most %,d bytes (256 KiB of "
                + "UTF-8 JSON) and StartExecution refuses more. Pass a reference to the data (a file or S3 URI, a "
                + "dataset name) instead of the data itself.", bytes, Quotas.PAYLOAD_BYTES));
        this.bytes = bytes;
    }

    /** The size of the refused input, in bytes of UTF-8 JSON. */
    public long bytes() {
        return bytes;
    }

    /** Throws if {@code input} is larger than the quota. */
    public static void check(JsonNode input) {
        if (Quotas.exceedsPayload(input)) {
            throw new ExecutionInputTooLargeException(Quotas.payloadBytes(input));
        }
    }
}
