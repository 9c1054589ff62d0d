package dev.flywheel.training.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flywheel.json.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnDomainsTest {

    /**
     * domains.json is content-checked and restored by re-ingesting identical data, so its bytes may not depend on
     * the order a map happens to iterate in (Map.copyOf's order changes with every JVM start).
     */
    @Test
    void theSameCategoriesGiveTheSameBytesWhateverTheMapOrder() {
        Map<String, List<String>> forward = new LinkedHashMap<>();
        Map<String, List<String>> backward = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            forward.put("column" + i, List.of("a" + i, "b" + i));
            backward.put("column" + (49 - i), List.of("a" + (49 - i), "b" + (49 - i)));
        }
        String json = Json.write(new ColumnDomains(forward));

        assertThat(Json.write(new ColumnDomains(backward))).isEqualTo(json);
        assertThat(Json.write(new ColumnDomains(new HashMap<>(backward)))).isEqualTo(json);
        assertThat(json.indexOf("\"column0\"")).isLessThan(json.indexOf("\"column1\""));
        assertThat(Json.read(json, ColumnDomains.class).categories()).isEqualTo(forward);
    }
}
