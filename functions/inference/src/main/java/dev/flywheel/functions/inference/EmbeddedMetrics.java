package dev.flywheel.functions.inference;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * One CloudWatch Embedded Metric Format line per request, written to standard output (on Lambda, CloudWatch Logs
 * turns it into metrics with no API call): latency, predictions, errors by status class, captures dropped since the
 * last line, and the model version that answered, with the model as the dimension and the request id as a property.
 */
final class EmbeddedMetrics {
    static final String NAMESPACE = "Flywheel/Inference";

    private final PrintStream out;
    private final LongSupplier capturesDropped;
    private long droppedReported;

    /** @param out where lines go (System.out on Lambda), or null for none */
    EmbeddedMetrics(PrintStream out, LongSupplier capturesDropped) {
        this.out = out;
        this.capturesDropped = capturesDropped;
    }

    /**
     * @param model   the model the request named, or null (health, OpenAPI)
     * @param version the version that answered, or 0
     */
    void record(long epochMillis, String route, String model, int version, int status, double latencyMillis,
                int predictions, String requestId) {
        if (out == null) {
            return;
        }
        long dropped;
        synchronized (this) {
            long total = capturesDropped.getAsLong();
            dropped = total - droppedReported;
            droppedReported = total;
        }
        StringBuilder line = new StringBuilder(520);
        line.append("{\"_aws\":{\"Timestamp\":").append(epochMillis)
                .append(",\"CloudWatchMetrics\":[{\"Namespace\":\"").append(NAMESPACE)
                .append("\",\"Dimensions\":[[\"Model\"]],\"Metrics\":[")
                .append("{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},")
                .append("{\"Name\":\"Predictions\",\"Unit\":\"Count\"},")
                .append("{\"Name\":\"Errors4xx\",\"Unit\":\"Count\"},")
                .append("{\"Name\":\"Errors5xx\",\"Unit\":\"Count\"},")
                .append("{\"Name\":\"CapturesDropped\",\"Unit\":\"Count\"},")
                .append("{\"Name\":\"ModelVersion\",\"Unit\":\"None\"}]}]},")
                .append("\"Model\":\"").append(model == null ? "-" : safe(model)).append("\",")
                .append("\"Latency\":").append(Math.round(latencyMillis * 1000) / 1000.0).append(',')
                .append("\"Predictions\":").append(predictions).append(',')
                .append("\"Errors4xx\":").append(status >= 400 && status < 500 ? 1 : 0).append(',')
                .append("\"Errors5xx\":").append(status >= 500 ? 1 : 0).append(',')
                .append("\"CapturesDropped\":").append(dropped).append(',')
                .append("\"ModelVersion\":").append(version).append(',')
                .append("\"route\":\"").append(route).append("\",")
                .append("\"status\":").append(status).append(',')
                .append("\"requestId\":\"").append(safe(requestId)).append("\"}");
        out.println(line);
    }

    /** Names and ids as they are, anything that would need escaping replaced (they come from requests). */
    static String safe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_' || c == '.' || c == ':' || c == '#';
            if (!plain && out == null) {
                out = new StringBuilder(text.substring(0, i));
            }
            if (out != null) {
                out.append(plain ? c : '_');
            }
        }
        return out == null ? text : out.toString();
    }
}
