package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code drift run --retrain-input}: what the retraining will need of the training pipeline input, checked before
 * the monitor starts (a local run, and the deployed monitor, which would otherwise fail only at the first drift),
 * as a usage error that names the file and the problem.
 */
class RetrainInputTest {
    @TempDir
    Path dir;

    private CliRunner.Result run(String json, String... more) throws Exception {
        Path file = Files.writeString(dir.resolve("retrain.json"), json);
        List<String> args = new java.util.ArrayList<>(List.of("drift", "run", "sensors", "--retrain-input",
                file.toString(), "--home", dir.resolve("no-home").toString()));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1]|a training pipeline input is a JSON object like {\"model\": \"credit-risk\", \"candidates\": [...]}, not an array",
        "{\"modle\": \"sensors\"}|unknown field 'modle'; the fields are model, ingest, preprocess, candidates, seed, gate, requireApproval, reason",
        "{\"model\": \"other\"}|it trains model 'other', not the monitored 'sensors': a drift retrains the model that drifted (write \"model\": \"sensors\", or leave model out)",
        "{\"model\": \" \"}|model must be the model's name, got \" \"",
        "{\"model\": 3}|model must be the model's name, got 3",
        "{\"ingest\": [\"a\"]}|ingest must be a JSON object, got an array",
        "{\"ingest\": {\"sorce\": \"s3://b/k.csv\"}}|unknown field 'ingest.sorce'; the fields are dataset, source, format, target, exclude, id, naValues, schema, maxBadRowFraction",
        "{\"candidates\": []}|candidates must be a non-empty array of objects like {\"params\": {\"max_depth\": 3}}, got []",
        "{\"seed\": \"x\"}|seed must be a whole number, got \"x\"",
        "{\"requireApproval\": \"yes\"}|requireApproval must be true or false, got \"yes\""})
    void aRetrainInputTheRetrainingWouldRefuse_isAUsageError_locallyAndDeployed(String json, String problem)
            throws Exception {
        for (String mode : new String[] {"--json", "--deployed"}) {
            CliRunner.Result result = run(json, mode);
            assertThat(result.exitCode()).as(mode + ": " + result.err()).isEqualTo(2);
            assertThat(result.err()).contains("flywheel: --retrain-input " + dir.resolve("retrain.json") + ": "
                    + problem);
        }
    }

    @Test
    void retrainingOnNamedData_needsTheDatasetToIngestItAs() throws Exception {
        Path data = Files.writeString(dir.resolve("labelled.csv"), "x,y\n1,0\n");

        CliRunner.Result result = run("{\"model\": \"sensors\"}", "--retrain-data", data.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--retrain-input " + dir.resolve("retrain.json") + ": ingest.dataset must "
                + "not be blank (with --retrain-data, name the dataset the data is ingested as: {\"ingest\": "
                + "{\"dataset\": \"NAME\", \"target\": \"COLUMN\"}})");
    }

    @Test
    void retrainingOnNamedData_checksTheDataAsTheDeployedPipelineDoes() throws Exception {
        Path data = Files.writeString(dir.resolve("labelled.csv"), "x,y\n1,0\n");
        String input = "{\"model\": \"sensors\", \"ingest\": {\"dataset\": \"labelled\", \"target\": \"label\"}}";
        for (String mode : new String[] {"--json", "--deployed"}) {
            CliRunner.Result result = run(input, "--retrain-data", data.toString(), mode);
            assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
            assertThat(result.err()).contains("--retrain-data " + data + " has no column 'label' (the target); "
                    + "its columns are [x, y]");
        }
    }

    @Test
    void aWellFormedInput_passesToWhatComesNext() throws Exception {
        CliRunner.Result result = run("{\"model\": \"sensors\", \"candidates\": [{\"params\": {\"max_depth\": 3}}], "
                + "\"gate\": {}, \"seed\": 7, \"requireApproval\": true}");

        assertThat(result.err()).doesNotContain("--retrain-input").contains("no-home");
    }

    @Test
    void theFieldsChecked_areTheFieldsALocalRunBuilds_andTheExampleInputPasses() throws Exception {
        var request = new PipelineRunner.Request(Path.of("data.csv"), "y", "m", List.of("a"), List.of("id"),
                List.of("?"), "binary", 2, true, 7);
        var built = PipelineRunner.input(request);
        assertThat(Set.copyOf(PipelineRunner.INPUT_FIELDS)).containsAll(() -> built.fieldNames());
        assertThatCode(() -> PipelineRunner.checkInput(built)).doesNotThrowAnyException();
        assertThatCode(() -> PipelineRunner.checkInput(Json.tree(Files.readString(
                Path.of("../examples/credit-g/pipeline-input.json"))))).doesNotThrowAnyException();
        assertThatThrownBy(() -> PipelineRunner.checkInput(Json.tree("\"text\"")))
                .isInstanceOf(InvalidInputException.class).hasMessageEndingWith("not string \"text\"");
    }
}
