package dev.flywheel.cli;

import static dev.flywheel.cli.TrainedHome.CREDIT_G;
import static dev.flywheel.cli.TrainedHome.FIRST_ROW;
import static dev.flywheel.cli.TrainedHome.MODEL;
import static dev.flywheel.cli.TrainedHome.SECOND_ROW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flywheel predict}: files scored through the inference function's handler, in-process. */
class PredictCommandTest {
    @TempDir
    static Path home;
    @TempDir
    Path files;

    @BeforeAll
    static void train() {
        TrainedHome.train(home);
    }

    private static CliRunner.Result predict(Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("predict", MODEL, "--data", data.toString(), "--home",
                home.toString()));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static List<JsonNode> jsonLines(String out) {
        return out.lines().map(Json::tree).toList();
    }

    @Test
    void csv_everyRowIsScored_theTargetLeftOut_andBatchingChangesNoAnswer() {
        CliRunner.Result result = predict(CREDIT_G, "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> rows = jsonLines(result.out());
        assertThat(rows).hasSize(1000);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertThat(row.path("row").asLong()).isEqualTo(i + 1);
            assertThat(row.path("line").asLong()).isEqualTo(i + 2);
            assertThat(row.path("model").asText()).isEqualTo(MODEL);
            assertThat(row.path("version").asInt()).isEqualTo(1);
            assertThat(row.path("alias").asText()).isEqualTo("champion");
            assertThat(row.path("label").asText()).isIn("good", "bad");
            assertThat(row.path("probabilities").path(row.path("label").asText()).asDouble()).isBetween(0.5, 1.0);
        }

        CliRunner.Result small = predict(CREDIT_G, "--json", "--batch", "7");
        assertThat(small.exitCode()).as(small.err()).isZero();
        assertThat(small.out()).isEqualTo(result.out());
    }

    @Test
    void csv_printsATableForPeople() {
        CliRunner.Result result = predict(CREDIT_G, "--version", "1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines.get(0)).matches("ROW +LABEL +PROBABILITY");
        assertThat(lines).hasSize(1001);
        assertThat(lines.get(1)).matches("1 +(good|bad) +0\\.\\d{4}|1 +(good|bad) +1\\.0000");
        assertThat(result.err()).contains("scored 1000 row(s) of credit-g.csv with " + MODEL + " v1");
    }

    @Test
    void jsonLines_scoreAsTheSameRowsOfTheCsv() throws Exception {
        Path data = files.resolve("rows.jsonl");
        Files.writeString(data, Json.write(Json.tree(FIRST_ROW)) + "\n\n" + Json.write(Json.tree(SECOND_ROW)) + "\n");

        CliRunner.Result result = predict(data, "--json");
        CliRunner.Result csv = predict(CREDIT_G, "--json", "--batch", "2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> rows = jsonLines(result.out());
        List<JsonNode> csvRows = jsonLines(csv.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).path("line").asLong()).isEqualTo(3);
        for (int i = 0; i < 2; i++) {
            assertThat(rows.get(i).path("label")).isEqualTo(csvRows.get(i).path("label"));
            assertThat(rows.get(i).path("probabilities")).isEqualTo(csvRows.get(i).path("probabilities"));
        }
    }

    @Test
    void badCsvRow_exits1WithItsLineNumber_countingQuotedLineBreaks() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(CREDIT_G).subList(0, 11));
        // Data row 2 holds a quoted value across two lines: data row 6 starts on line 8.
        lines.set(2, lines.get(2).replace(",radio/tv,", ",\"radio\ntv\","));
        lines.set(6, lines.get(6).replaceFirst("^([^,]*),[0-9]+,", "$1,six,"));
        Path data = files.resolve("bad.csv");
        Files.writeString(data, String.join("\n", lines) + "\n");

        CliRunner.Result result = predict(data);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("bad.csv line 8: duration must be a number")
                .contains("got the text \"six\"");
    }

    @Test
    void raggedCsvRow_exits1WithItsLineNumber() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(CREDIT_G).subList(0, 6));
        lines.set(4, "1,2,3");
        Path data = files.resolve("ragged.csv");
        Files.writeString(data, String.join("\n", lines) + "\n");

        CliRunner.Result result = predict(data);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("ragged.csv line 5 has 3 fields but the header has 21");
    }

    @Test
    void badJsonLines_exit1WithTheLineNumber() throws Exception {
        Path unknown = files.resolve("unknown.jsonl");
        Files.writeString(unknown, Json.write(Json.tree(FIRST_ROW)) + "\n"
                + Json.write(((com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(SECOND_ROW)).put("colour", "red"))
                + "\n");
        Path notJson = files.resolve("broken.jsonl");
        Files.writeString(notJson, Json.write(Json.tree(FIRST_ROW)) + "\n" + Json.write(Json.tree(SECOND_ROW))
                + "\n{\"age\": 3\n");

        CliRunner.Result unknownResult = predict(unknown);
        CliRunner.Result notJsonResult = predict(notJson);

        assertThat(unknownResult.exitCode()).isEqualTo(1);
        assertThat(unknownResult.err()).contains("unknown.jsonl line 2: has an unknown feature 'colour'");
        assertThat(notJsonResult.exitCode()).isEqualTo(1);
        assertThat(notJsonResult.err()).contains("broken.jsonl line 3 is not valid JSON");
    }

    @Test
    void csvWithoutAnInput_orAnUnknownModel_exit1SayingWhat() throws Exception {
        List<String> lines = Files.readAllLines(CREDIT_G).subList(0, 3).stream()
                .map(l -> l.substring(l.indexOf(',') + 1)).toList();
        Path data = files.resolve("partial.csv");
        Files.writeString(data, String.join("\n", lines) + "\n");

        CliRunner.Result missing = predict(data);
        CliRunner.Result unknown = CliRunner.run("predict", "no-such-model", "--data", data.toString(), "--home",
                home.toString());

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("partial.csv has no column 'checking_status'");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no-such-model");
    }
}
