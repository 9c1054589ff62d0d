package dev.flywheel.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.json.Json;
import dev.flywheel.json.JsonFormatException;
import dev.flywheel.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class DomainJsonTest {

    static Stream<Object> records() {
        Run run = Run.start("run-1", "credit-risk", Map.of("eta", "0.1", "max_depth", "4"), "0.1.0+abc",
                Fixtures.lineage(), Fixtures.T0);
        return Stream.of(
                Fixtures.schema(),
                Fixtures.dataset("credit-g", "x").withVersion(3),
                Fixtures.lineage(),
                run,
                run.finish(Map.of("auc", List.of(new MetricPoint(0, 0.7), new MetricPoint(1, 0.72))),
                        Map.of("auc", 0.72, "logloss", 0.5), Map.of("package", "s3://b/models/m/run-1/package.zip"),
                        Fixtures.T0.plusSeconds(9)),
                run.fail("out of memory", Fixtures.T0.plusSeconds(1)),
                Fixtures.model("credit-risk", "run-1").withVersion(2),
                new ModelAlias("credit-risk", ModelAlias.CHAMPION, 2, 5, Fixtures.T0, "gate passed"),
                new AliasMove("credit-risk", ModelAlias.CHAMPION, null, 1, 1, Fixtures.T0, "first", false),
                new DriftReport("d-1", "credit-risk", 2, Fixtures.T0, Fixtures.T0.minusSeconds(3600), Fixtures.T0, 800,
                        List.of(new FeatureDrift("age", "ks", 0.31, 1e-9, 0.1, true),
                                new FeatureDrift("purpose", "psi", 0.02, null, 0.2, false)), true, "s3://b/reports/d-1.html", "drift", "1 of 2 features drifted"),
                new ExecutionRecord("e-1", "training-pipeline", ExecutionStatus.FAILED, Json.tree("{\"x\":[1,2]}"), null,
                        "dev.flywheel.training.DataValidationException", "12% bad rows", Fixtures.T0, Fixtures.T0.plusSeconds(1),
                        List.of(new ExecutionEvent(1, 0, "ExecutionStarted", Fixtures.T0, Json.object().put("k", "v")))));
    }

    @ParameterizedTest
    @MethodSource("records")
    void json_roundTripsEveryDomainRecord(Object record) {
        String json = Json.write(record);
        assertThat(Json.read(json, record.getClass())).isEqualTo(record);
    }

    @Test
    void json_writesInstantsAsIsoStrings() {
        assertThat(Json.write(Fixtures.dataset("d", "x"))).contains("\"createdAt\":\"2026-11-27T10:15:30.123Z\"");
    }

    @Test
    void json_malformedInputNamesTheTypeItShouldBe() {
        assertThatThrownBy(() -> Json.read("{\"name\":", DatasetVersion.class))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("DatasetVersion");
        assertThatThrownBy(() -> Json.read("{\"name\":\"bad name!\"}", DatasetVersion.class))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("dataset name");
    }

    @Test
    void schema_rejectsDuplicateColumnsAndTwoTargets() {
        Column a = new Column("a", ColumnType.NUMERIC, ColumnRole.FEATURE, true);
        assertThatThrownBy(() -> new Schema(List.of(a, a))).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("'a' twice");
        Column t1 = new Column("t1", ColumnType.NUMERIC, ColumnRole.TARGET, false);
        Column t2 = new Column("t2", ColumnType.NUMERIC, ColumnRole.TARGET, false);
        assertThatThrownBy(() -> new Schema(List.of(t1, t2))).hasMessageContaining("2 target columns");
        assertThat(new Schema(List.of(a, t1)).target()).contains(t1);
        assertThat(new Schema(List.of(a, t1)).features()).containsExactly(a);
    }

    @Test
    void records_validateTheirInvariants() {
        assertThatThrownBy(() -> Fixtures.dataset("../etc", "x")).hasMessageContaining("dataset name");
        assertThatThrownBy(() -> new Lineage("d", 1, "not-a-sha", Fixtures.lineage().featurePipelineSha256()))
                .hasMessageContaining("sha256");
        assertThatThrownBy(() -> new Run("r", "e", Map.of(), Map.of(), Map.of(), RunStatus.FINISHED, Fixtures.T0, null,
                Map.of(), "v", null, null)).hasMessageContaining("needs endedAt");
        assertThatThrownBy(() -> new ModelAlias("m", "champion", 0, 1, Fixtures.T0, null))
                .hasMessageContaining("aliased version");
        assertThatThrownBy(() -> new DriftReport("d", "m", 1, Fixtures.T0, Fixtures.T0, Fixtures.T0.minusSeconds(1), 0,
                List.of(), false, null, null, null)).hasMessageContaining("before it starts");
    }
}
