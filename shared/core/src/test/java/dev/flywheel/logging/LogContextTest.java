package dev.flywheel.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @Test
    void logContext_putsKeysForTheBlockOnlyAndSkipsNulls() {
        try (LogContext ignored = LogContext.with(LogContext.RUN_ID, "run-7", LogContext.MODEL, "credit-risk",
                LogContext.DATASET, null)) {
            assertThat(MDC.get("runId")).isEqualTo("run-7");
            assertThat(MDC.get("model")).isEqualTo("credit-risk");
            assertThat(MDC.get("dataset")).isNull();
        }
        assertThat(MDC.get("runId")).isNull();
    }

    @Test
    void jsonLayout_writesOneObjectWithTheContextKeysAtTopLevel() {
        JsonTemplateLayout layout = JsonTemplateLayout.newBuilder()
                .setConfiguration(LoggerContext.getContext(false).getConfiguration())
                .setEventTemplateUri("classpath:flywheel-log-template.json")
                .build();
        SortedArrayStringMap context = new SortedArrayStringMap();
        context.putValue("runId", "run-7");
        context.putValue("requestId", "req-1");
        String line = layout.toSerializable(Log4jLogEvent.newBuilder()
                .setLoggerName("dev.flywheel.test")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage("trained"))
                .setContextData(context)
                .build());
        JsonNode json = Json.tree(line);
        assertThat(json.path("message").asText()).isEqualTo("trained");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("runId").asText()).isEqualTo("run-7");
        assertThat(json.path("requestId").asText()).isEqualTo("req-1");
        assertThat(json.path("timestamp").asText()).endsWith("Z");
    }
}
