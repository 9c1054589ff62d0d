package dev.flywheel.training.preprocess;

import dev.flywheel.serving.FeatureSpec;
import dev.flywheel.serving.FittedPipeline;

import dev.flywheel.domain.MlTask;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import dev.flywheel.domain.SplitSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnStoreTest {
    private static final String CSV = """
            id,age,smoker,color,target
            1,31,true,red,yes
            2,,false,blue,no
            3,47.5,,red,yes
            4,?,true,,no
            """;
    private static final List<String> NAMES = List.of("id", "age", "smoker", "color", "target");
    private static final RowSplitter SPLITTER = RowSplitter.of(new SplitSpec(SplitSpec.SCHEME, "m", 0.15, 0.15,
            NAMES, true), NAMES);

    private static ColumnStore read(long expectedRows) throws IOException {
        return ColumnStore.read(new StringReader(CSV), NAMES, Set.of("age", "smoker"), Set.of("color", "target"),
                expectedRows, SPLITTER);
    }

    @Test
    void read_keepsNumbersAsDoublesWithNaNForMissing() throws IOException {
        ColumnStore store = read(4);

        assertThat(store.rows()).isEqualTo(4);
        assertThat(store.numeric("age").values()).containsExactly(31, Double.NaN, 47.5, Double.NaN);
        assertThat(store.numeric("smoker").values()).containsExactly(1, 0, Double.NaN, 1);
    }

    @Test
    void read_dictionaryEncodesTextColumnsInOrderOfFirstAppearance() throws IOException {
        ColumnStore.CodedColumn color = read(4).coded("color");

        assertThat(color.dictionary()).containsExactly("red", "blue", "");
        assertThat(color.codes()).containsExactly(0, 1, 0, 2);
        assertThat(color.text(3)).isEmpty();
    }

    @Test
    void read_growsPastAWrongRowCountGuess() throws IOException {
        ColumnStore store = read(1);

        assertThat(store.rows()).isEqualTo(4);
        assertThat(store.coded("target").codes()).containsExactly(0, 1, 0, 1);
    }

    @Test
    void read_keepsOnlyTheRequestedColumns() throws IOException {
        ColumnStore store = read(4);

        assertThatThrownBy(() -> store.numeric("id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.coded("age")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void read_rejectsAFileWhoseHeaderDiffersFromTheSchema() {
        assertThatThrownBy(() -> ColumnStore.read(new StringReader(CSV), List.of("id", "age"), Set.of(), Set.of(), 4,
                SPLITTER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("differ from its schema");
    }

    @Test
    void encoder_writesTheSameInputsAsThePipelineOnStringRows() throws IOException {
        FittedPipeline pipeline = new FittedPipeline(1, MlTask.BINARY, "target", List.of("no", "yes"), List.of(
                new FeatureSpec("age", FeatureSpec.Kind.NUMERIC, 40, true, List.of()),
                new FeatureSpec("smoker", FeatureSpec.Kind.NUMERIC, 1, false, List.of()),
                new FeatureSpec("color", FeatureSpec.Kind.ONE_HOT, 0, false, List.of("red", "")),
                new FeatureSpec("color", FeatureSpec.Kind.ORDINAL, 0, false, List.of("blue"))), List.of(), List.of());
        ColumnStore store = read(4);
        ColumnEncoder encoder = new ColumnEncoder(pipeline, store);
        String[] lines = CSV.split("\n");

        for (int row = 0; row < store.rows(); row++) {
            String[] cells = lines[row + 1].split(",", -1);
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < NAMES.size(); c++) {
                values.put(NAMES.get(c), cells[c]);
            }
            float[] expected = new float[pipeline.width()];
            pipeline.transform(values, expected, 0);
            float[] actual = new float[pipeline.width()];
            encoder.encode(row, actual);
            assertThat(actual).as("row %d", row).containsExactly(expected);
        }
    }

    @Test
    void encode_producesTheBytesOfWriteAndReadsBack() throws IOException {
        float[] features = {1, 2, 3, Float.NaN, 5, 6};
        float[] labels = {0, 1, Float.NaN};
        MatrixFile matrix = new MatrixFile(3, 2, features, labels);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        matrix.write(written);

        byte[] encoded;
        try (ProducedInputStream in = MatrixFile.encode(3, 2,
                (row, out) -> System.arraycopy(features, row * 2, out, 0, 2), labels)) {
            encoded = in.readAllBytes();
        }

        assertThat(encoded).isEqualTo(written.toByteArray());
        MatrixFile back = MatrixFile.read(new ByteArrayInputStream(encoded));
        assertThat(back.features()).containsExactly(features);
        assertThat(back.labels()).containsExactly(labels);
    }
}
