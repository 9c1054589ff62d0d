package dev.flywheel.statemachines.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSONPath syntax check applied at load: what AWS accepts passes, typos are refused with a reason. */
class JsonPathSyntaxTest {
    @ParameterizedTest
    @ValueSource(strings = {"$", "$.a", "$.a.b[0]", "$.ship-date", "$['a b']", "$['a']['b']", "$[\"x\"]",
        "$.a[*].b", "$..id", "$..*", "$.*", "$.a[-1]", "$.a[1:3]", "$.a[0,2]", "$.a['b','c']",
        "$.items[?(@.ok == true)].id", "$.items[?(@.name == 'a]b')]", "$.a.length()", "$.[0]", "$$.Execution.Id",
        "$$.Map.Item.Value"})
    void accepted(String path) {
        assertThat(JsonPaths.syntaxError(path)).as(path).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$.a[", "$.a]", "$.a[0", "$.a.", "$.", "$a", "a.b", "$.a b", "$.a[b]", "$.a['b]",
        "$.a[?(@.x > 1]", "$.a(", "$$$.a", "$.a[1:x]"})
    void refused(String path) {
        assertThat(JsonPaths.syntaxError(path)).as(path).isNotNull();
    }
}
