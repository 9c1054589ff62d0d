package dev.flywheel.logging;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * Puts keys that follow one piece of work ({@code runId}, {@code model}, {@code version}, {@code requestId})
 * into every log line written inside a try-with-resources block, and removes them afterwards.
 */
public final class LogContext implements AutoCloseable {
    public static final String RUN_ID = "runId";
    public static final String MODEL = "model";
    public static final String DATASET = "dataset";
    public static final String DATASET_VERSION = "datasetVersion";
    public static final String REQUEST_ID = "requestId";
    public static final String EXECUTION_ID = "executionId";

    private final List<String> keys;

    private LogContext(List<String> keys) {
        this.keys = keys;
    }

    /** @param keyValues alternating keys and values; null values are skipped */
    public static LogContext with(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("LogContext.with takes key/value pairs");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                String key = keyValues[i].toString();
                MDC.put(key, keyValues[i + 1].toString());
                keys.add(key);
            }
        }
        return new LogContext(keys);
    }

    @Override
    public void close() {
        keys.forEach(MDC::remove);
    }
}
