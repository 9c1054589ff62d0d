package dev.flywheel.training;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.domain.InvalidInputException;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.steps.IngestResult;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestServiceTest {
    @TempDir
    Path tmp;
    private Stores stores;
    private IngestService ingest;

    @BeforeEach
    void open() {
        stores = LocalStores.open(tmp.resolve("home"), Clock.systemUTC());
        ingest = new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private static String goodCsv(int rows) {
        StringBuilder b = new StringBuilder("age,city,score,class\n");
        for (int i = 0; i < rows; i++) {
            b.append(20 + i % 40).append(',').append(i % 3 == 0 ? "paris" : "\"rome, it\"").append(',')
                    .append(i * 0.5).append(',').append(i % 2 == 0 ? "good" : "bad").append('\n');
        }
        return b.toString();
    }

    private String file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private String file(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        return p.toUri().toString();
    }

    private IngestResult run(String source) {
        return ingest.ingest(IngestRequest.of("people", source, "class"));
    }

    private List<String> storedKeys() {
        return stores.artifacts().list("");
    }

    /** A rejected input leaves nothing behind: no artifact, no dataset version. */
    private void assertNothingStored() {
        assertThat(storedKeys()).isEmpty();
        assertThat(stores.registries().datasets().names()).isEmpty();
    }

    @Test
    void ingest_registersVersionWithInferredSchema() throws IOException {
        IngestResult result = run(file("a.csv", goodCsv(50)));
        assertThat(result.created()).isTrue();
        assertThat(result.dataset().version()).isEqualTo(1);
        assertThat(result.dataset().rowCount()).isEqualTo(50);
        assertThat(result.quarantineUri()).isNull();
        assertThat(result.dataset().schema().column("age").orElseThrow().type().name()).isEqualTo("NUMERIC");
        assertThat(result.dataset().schema().column("city").orElseThrow().type().name()).isEqualTo("CATEGORICAL");
        assertThat(result.dataset().schema().target().orElseThrow().name()).isEqualTo("class");
        assertThat(storedKeys()).allMatch(k -> k.startsWith("datasets/people/" + result.dataset().sha256() + "/"));
    }

    private IngestResult run(String source, List<String> id, List<String> naValues) {
        return ingest.ingest(new IngestRequest("people", source, null, "class", List.of(), id, naValues, null, null));
    }

    /** 40 rows: an integer id, a fractional amount_paid, an integer valid flag, y/n and none-or-some categories. */
    private static String mixedCsv() {
        StringBuilder b = new StringBuilder("id,amount_paid,valid,member,checking,active,class\n");
        for (int i = 0; i < 40; i++) {
            b.append(1000 + i).append(',').append(10.5 + i).append(',').append(i % 2).append(',')
                    .append(i % 3 == 0 ? "y" : "n").append(',').append(i % 4 == 0 ? "none" : "some").append(',')
                    .append(i % 5 == 0 ? "TRUE" : "false").append(',').append(i % 2 == 0 ? "good" : "bad").append('\n');
        }
        return b.toString();
    }

    @Test
    void ingest_keepsValuesAsTheFileSaysThem() throws IOException {
        IngestResult result = run(file("a.csv", mixedCsv()));
        var schema = result.dataset().schema();

        assertThat(schema.column("checking").orElseThrow().type().name()).isEqualTo("CATEGORICAL");
        assertThat(schema.column("member").orElseThrow().type().name()).isEqualTo("CATEGORICAL");
        assertThat(schema.column("active").orElseThrow().type().name()).isEqualTo("BOOLEAN");
        String data = new String(stores.artifacts().get(stores.artifacts().keyOf(result.dataset().artifactUri()))
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(data).contains(",y,none,true,good").contains(",n,some,false,");
        assertThat(schema.missingValues()).isEmpty();
    }

    @Test
    void ingest_neverTakesANumericFeatureForAnIdentifierByItsName() throws IOException {
        IngestResult result = run(file("a.csv", mixedCsv()));
        var schema = result.dataset().schema();

        assertThat(schema.column("amount_paid").orElseThrow().role().name()).isEqualTo("FEATURE");
        assertThat(schema.column("valid").orElseThrow().role().name()).isEqualTo("FEATURE");
        var id = schema.column("id").orElseThrow();
        assertThat(id.role().name()).isEqualTo("ID");
        assertThat(id.reason()).contains("all 40 values are distinct integers");
        assertThat(result.leftOut()).singleElement().satisfies(c -> {
            assertThat(c.column()).isEqualTo("id");
            assertThat(c.reason()).startsWith("identifier");
        });
        assertThat(schema.identity()).isEmpty();
    }

    @Test
    void ingest_letsTheUserNameTheIdentifiersAndTheMissingTokens() throws IOException {
        String csv = mixedCsv().replace(",10.5,", ",NA,").replace(",11.5,", ",?,");
        IngestResult result = run(file("a.csv", csv), List.of("member"), List.of("NA", "?"));
        var schema = result.dataset().schema();

        assertThat(schema.identity()).containsExactly("member");
        assertThat(schema.column("member").orElseThrow().reason()).isEqualTo("identifier named by the user (id)");
        assertThat(schema.column("id").orElseThrow().role().name()).as("no inference once the user names ids")
                .isEqualTo("FEATURE");
        assertThat(schema.missingValues()).containsExactly("?", "NA");
        assertThat(schema.column("amount_paid").orElseThrow().type().name()).isEqualTo("NUMERIC");
        assertThat(result.quarantinedRows()).isZero();
    }

    @Test
    void ingest_laterVersionsKeepTheFirstVersionsReadingRules() throws IOException {
        run(file("a.csv", goodCsv(50)), List.of(), List.of("NA"));
        String more = file("b.csv", goodCsv(60));

        assertThatThrownBy(() -> run(more, List.of(), List.of("?"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("reads an empty field and [NA] as missing since its first version");
        assertThatThrownBy(() -> run(more, List.of("city"), List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("identified by their content since its first version, not [city]");
        IngestResult second = run(more, List.of(), List.of());
        assertThat(second.dataset().version()).isEqualTo(2);
        assertThat(second.dataset().schema().missingValues()).containsExactly("NA");
    }

    @Test
    void ingest_laterVersionsRefuseAnotherTargetOrOtherExclusions() throws IOException {
        ingest.ingest(new IngestRequest("people", file("a.csv", goodCsv(50)), null, "class", List.of("score"),
                List.of(), List.of(), null, null));
        String more = file("b.csv", goodCsv(60));

        assertThatThrownBy(() -> ingest.ingest(IngestRequest.of("people", more, "city")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("predicts 'class' since its first version, not 'city'")
                .hasMessageContaining("--dataset NAME");
        assertThatThrownBy(() -> ingest.ingest(new IngestRequest("people", more, null, "class", List.of("age"),
                List.of(), List.of(), null, null))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("excludes [score] since its first version, not [age]");
        assertThat(ingest.ingest(IngestRequest.of("people", more, "class")).dataset().version()).isEqualTo(2);
    }

    @Test
    void ingest_refusesToExcludeTheTarget() throws IOException {
        String source = file("a.csv", goodCsv(50));

        assertThatThrownBy(() -> ingest.ingest(new IngestRequest("people", source, null, "class", List.of("class"),
                List.of(), List.of(), null, null))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'class' is the target");
        assertNothingStored();
    }

    @Test
    void ingest_namesValuesThatLookMissingWhenTooManyRowsFail() throws IOException {
        StringBuilder csv = new StringBuilder(goodCsv(100));
        for (int i = 0; i < 10; i++) {
            csv.append(i % 2 == 0 ? "NA" : "n/a").append(",paris,1,good\n");
        }
        String source = file("a.csv", csv.toString());

        assertThatThrownBy(() -> run(source)).isInstanceOf(DataValidationException.class)
                .hasMessageContaining("If [NA, n/a] mean a missing value, list them: --na-values NA,n/a");
        assertNothingStored();
    }

    @Test
    void ingest_sameDataTwiceReturnsExistingVersionAndWritesNothing() throws IOException {
        IngestResult first = run(file("a.csv", goodCsv(50)));
        List<String> keys = storedKeys();
        IngestResult second = run(file("b.csv", goodCsv(50).replace("\n", "\r\n")));
        assertThat(second.created()).isFalse();
        assertThat(second.dataset()).isEqualTo(first.dataset());
        assertThat(storedKeys()).isEqualTo(keys);
        assertThat(stores.registries().datasets().versions("people")).hasSize(1);
    }

    @Test
    void ingest_readsJsonLines() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            b.append("{\"age\":").append(20 + i).append(",\"city\":\"x").append(i % 2).append("\",\"class\":\"")
                    .append(i % 2 == 0 ? "good" : "bad").append("\"}\n");
        }
        IngestResult result = run(file("a.jsonl", b.toString()));
        assertThat(result.dataset().rowCount()).isEqualTo(30);
        assertThat(result.dataset().schema().names()).containsExactly("age", "city", "class");
    }

    @Test
    void ingest_quarantinesBadRowsUnderTheLimit() throws IOException {
        String csv = goodCsv(100) + "abc,paris,1,good\n";
        IngestResult result = run(file("a.csv", csv));
        assertThat(result.quarantinedRows()).isEqualTo(1);
        assertThat(result.quarantineUri()).endsWith("quarantine.jsonl");
        String quarantine = new String(stores.artifacts().get(stores.artifacts().keyOf(result.quarantineUri()))
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(quarantine).contains("\"rowNumber\":101", "\"column\":\"age\"", "not a number", "\"raw\"");
    }

    @Test
    void ingest_failsWithCountsWhenBadRowsExceedTheLimit() throws IOException {
        StringBuilder csv = new StringBuilder(goodCsv(100));
        for (int i = 0; i < 10; i++) {
            csv.append("old,paris,1,good\n");
        }
        String source = file("a.csv", csv.toString());
        assertThatThrownBy(() -> run(source)).isInstanceOf(DataValidationException.class)
                .hasMessageContaining("10 of 110 rows").hasMessageContaining("row 101");
        assertThat(storedKeys()).isEmpty();
    }

    @Test
    void ingest_rejectsEmptyFile() throws IOException {
        String source = file("a.csv", "");
        assertThatThrownBy(() -> run(source)).isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsHeaderOnlyFile() throws IOException {
        String source = file("a.csv", "age,city,class\n");
        assertThatThrownBy(() -> run(source)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no data rows");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsSemicolonDelimitedFile() throws IOException {
        String source = file("a.csv", goodCsv(10).replace("\"rome, it\"", "rome").replace(',', ';'));
        assertThatThrownBy(() -> run(source)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("';'").hasMessageContaining("comma-separated");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsFileWithRaggedRows() throws IOException {
        StringBuilder csv = new StringBuilder("age,city,score,class\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i % 2 == 1 ? "30,paris,bad\n" : i % 4 == 0 ? "30,paris,1,good\n" : "31,rome,2,bad\n");
        }
        String source = file("a.csv", csv.toString());
        assertThatThrownBy(() -> run(source)).isInstanceOf(DataValidationException.class)
                .hasMessageContaining("3 fields but the header has 4");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsNonUtf8Bytes() throws IOException {
        byte[] latin1 = goodCsv(10).replace("paris", "m\u00fcnchen").getBytes(StandardCharsets.ISO_8859_1);
        String source = file("a.csv", latin1);
        assertThatThrownBy(() -> run(source)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid UTF-8");
        assertNothingStored();
    }

    @Test
    void ingest_namesTheLineOfTheFirstBytesThatAreNotUtf8() throws IOException {
        String csv = goodCsv(30);
        int sixth = 0;
        for (int i = 0; i < 6; i++) {
            sixth = csv.indexOf('\n', sixth) + 1;
        }
        byte[] bytes = (csv.substring(0, sixth) + "7,m\u00fcnchen,1,good\n" + csv.substring(sixth))
                .getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = new byte[bytes.length - 1];
        int at = csv.substring(0, sixth).getBytes(StandardCharsets.UTF_8).length + 3;
        System.arraycopy(bytes, 0, latin1, 0, at);
        latin1[at] = (byte) 0xfc;
        System.arraycopy(bytes, at + 2, latin1, at + 1, bytes.length - at - 2);
        String source = file("a.csv", latin1);

        assertThatThrownBy(() -> run(source)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid UTF-8 at line 7");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsMissingTargetColumn() throws IOException {
        String source = file("a.csv", goodCsv(10));
        assertThatThrownBy(() -> ingest.ingest(IngestRequest.of("people", source, "label")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target 'label' is not in the file");
        assertThatThrownBy(() -> ingest.ingest(IngestRequest.of("people", source, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target is required");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsConstantTarget() throws IOException {
        String source = file("a.csv", "x,y\n1,5\n2,5\n3,5\n");
        assertThatThrownBy(() -> ingest.ingest(IngestRequest.of("const", source, "y")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("constant");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsSingleClass() throws IOException {
        String source = file("a.csv", goodCsv(10).replace(",bad\n", ",good\n"));
        assertThatThrownBy(() -> run(source)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("single class 'good'");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsAllMissingFeature() throws IOException {
        String source = file("a.csv", "x,empty,class\n1,,a\n2,NA,b\n3,,a\n");
        assertThatThrownBy(() -> ingest.ingest(new IngestRequest("m", source, null, "class", List.of(), List.of(),
                List.of("NA"), null, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'empty' has no values");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsDuplicateColumnNames() throws IOException {
        String source = file("a.csv", "x,x,class\n1,2,a\n2,3,b\n");
        assertThatThrownBy(() -> ingest.ingest(IngestRequest.of("m", source, "class")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'x' more than once");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsMissingSourceFile() {
        assertThatThrownBy(() -> run(tmp.resolve("nope.csv").toUri().toString()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
        assertNothingStored();
    }

    @Test
    void ingest_rejectsChangedColumnTypeAndWarnsOnNewColumnAndUnseenCategory() throws IOException {
        run(file("a.csv", goodCsv(30)));
        String changed = goodCsv(30).replaceAll("(?m)^\\d+,", "young,");
        String changedSource = file("b.csv", changed.replace("young,city", "age,city"));
        assertThatThrownBy(() -> run(changedSource)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("column 'age' was NUMERIC");

        String extra = goodCsv(30).replace("age,city,score,class", "age,city,score,class,extra")
                .replaceAll("(?m)(good|bad)$", "$1,1").replace("paris", "lyon");
        IngestResult result = run(file("c.csv", extra));
        assertThat(result.created()).isTrue();
        assertThat(result.dataset().version()).isEqualTo(2);
        assertThat(result.warnings()).anyMatch(w -> w.contains("'extra' is new"))
                .anyMatch(w -> w.contains("'city' has categories not seen") && w.contains("lyon"));
        assertThat(result.dataset().schema().names()).containsExactly("age", "city", "score", "class");
    }
}
