package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CommandLineTest {
    @TempDir
    Path home;

    static Stream<List<String>> commands() {
        return Stream.of(List.of(), List.of("demo"), List.of("pipeline", "run"), List.of("executions", "start"),
                List.of("executions", "list"), List.of("executions", "show"), List.of("datasets", "list"),
                List.of("datasets", "show"), List.of("runs", "list"), List.of("runs", "show"), List.of("models", "list"),
                List.of("models", "show"), List.of("models", "promote"), List.of("models", "rollback"),
                List.of("serve"), List.of("predict"), List.of("approve"), List.of("reject"), List.of("datagen"),
                List.of("bench"), List.of("bench", "inference"), List.of("bench", "cold-start"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommand_hasHelp(List<String> command) {
        String[] args = Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new);
        CliRunner.Result result = CliRunner.run(args);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: flywheel");
    }

    @Test
    void executionsStart_runsAUsersDefinitionAndPrintsTheHistoryAsStepFunctionsNamesIt() throws Exception {
        Path definition = home.resolve("hello.asl.json");
        Files.writeString(definition, """
                {"StartAt": "Greet", "States": {
                  "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"}, "Next": "Check"},
                  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.greeting", "StringMatches": "Hello*", "Next": "Done"}],
                            "Default": "Oops"},
                  "Oops": {"Type": "Fail", "Error": "Unexpected"},
                  "Done": {"Type": "Succeed"}}}""");
        CliRunner.Result result = CliRunner.run("executions", "start", "--definition", definition.toString(),
                "--input", "{\"name\":\"Flywheel\"}", "--json", "--home", home.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = result.json();
        assertThat(json.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.path("output").path("greeting").asText()).isEqualTo("Hello, Flywheel!");
        assertThat(json.path("events")).extracting(JsonNode::asText).containsExactly("ExecutionStarted",
                "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered",
                "SucceedStateExited", "ExecutionSucceeded");

        CliRunner.Result listed = CliRunner.run("executions", "list", "--home", home.toString());
        assertThat(listed.out()).contains(json.path("executionId").asText()).contains("SUCCEEDED");
        CliRunner.Result shown = CliRunner.run("executions", "show", json.path("executionId").asText(), "--home", home.toString());
        assertThat(shown.out()).contains("ChoiceStateEntered");
    }

    @Test
    void executionsStart_readsTheInputFromAFileAfterAnAt() throws Exception {
        Path definition = Files.writeString(home.resolve("echo.asl.json"),
                "{\"StartAt\":\"Echo\",\"States\":{\"Echo\":{\"Type\":\"Pass\",\"End\":true}}}");
        Path input = Files.writeString(home.resolve("input.json"), "{\"name\": \"from a file\", \"rows\": [1, 2, 3]}");

        CliRunner.Result result = CliRunner.run("executions", "start", "--definition", definition.toString(),
                "--input", "@" + input, "--json", "--home", home.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().path("output").path("name").asText()).isEqualTo("from a file");
        assertThat(result.json().path("output").path("rows")).hasSize(3);
    }

    @Test
    void aFailedStep_readsAsAFailureInLinesThatFitATerminal() throws Exception {
        Path data = Files.writeString(home.resolve("bad.csv"), "a;b\n1;2\n");

        CliRunner.Result result = CliRunner.run("pipeline", "run", "--data", data.toString(), "--target", "b",
                "--home", home.resolve("h").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("  ✗ Ingest failed").contains("InvalidInputException: the header has a single "
                + "column").doesNotContain("stackTrace").doesNotContain("✓ Ingest");
        assertThat(result.out()).contains("✗ failed").doesNotContain("stackTrace");
        // Lines wrap at spaces; only a path (never cut, so that it can be copied) may run past the width.
        assertThat((result.err() + result.out()).lines().filter(line -> !line.contains("/")))
                .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(Output.terminalWidth()));
        JsonNode json = CliRunner.run("pipeline", "run", "--data", data.toString(), "--target", "b", "--json",
                "--home", home.resolve("h").toString()).json();
        assertThat(json.path("error").asText()).isEqualTo("dev.flywheel.domain.InvalidInputException");
        assertThat(json.path("errorMessage").asText()).startsWith("the header has a single column");
        assertThat(json.path("outcome").asText()).isEqualTo("failed");
    }

    @Test
    void executionsStart_failsClearlyForATaskThatNamesNoneOfOurFunctions() throws Exception {
        Path definition = home.resolve("sqs.asl.json");
        Files.writeString(definition, """
                {"StartAt": "Send", "States": {"Send": {"Type": "Task",
                  "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"},
                  "End": true}}}""");
        CliRunner.Result result = CliRunner.run("executions", "start", "--definition", definition.toString(), "--json",
                "--home", home.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.json().path("status").asText()).isEqualTo("FAILED");
        assertThat(result.json().path("cause").asText()).contains("cannot run the resource 'arn:aws:states:::sqs:sendMessage'");
    }

    @Test
    void approveAndReject_answerWaitingTaskTokensOnce() {
        try (var registries = dev.flywheel.registry.Registries.over(
                dev.flywheel.store.local.SqliteMetadataTable.open(home.resolve("metadata.db")), java.time.Clock.systemUTC())) {
            registries.executions().createTaskToken("tok-a", "exec-1", "WaitForApproval", java.time.Instant.now());
            registries.executions().createTaskToken("tok-r", "exec-2", "WaitForApproval", java.time.Instant.now());
        }
        CliRunner.Result approved = CliRunner.run("approve", "tok-a", "--home", home.toString());
        assertThat(approved.exitCode()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("exec-1");
        CliRunner.Result rejected = CliRunner.run("reject", "tok-r", "--reason", "needs review", "--json", "--home", home.toString());
        assertThat(rejected.exitCode()).isZero();
        assertThat(rejected.json().path("error").asText()).isEqualTo("ApprovalRejected");
        CliRunner.Result twice = CliRunner.run("approve", "tok-a", "--home", home.toString());
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.err()).contains("answered already");
    }

    @Test
    void readOnlyCommandsOnAMissingHome_sayThereIsNothingThereAndCreateNothing() {
        Path missing = home.resolve("not-yet");

        CliRunner.Result result = CliRunner.run("datasets", "list", "--home", missing.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip()).startsWith("flywheel: there is no Flywheel home at")
                .contains("nothing has run there yet").doesNotContain("\n");
        assertThat(missing).doesNotExist();
    }

    @Test
    void commonOptions_workBeforeTheSubcommandToo() {
        Workspace.open(home).close();

        CliRunner.Result before = CliRunner.run("--home", home.toString(), "--json", "models", "list");
        CliRunner.Result after = CliRunner.run("models", "list", "--home", home.toString(), "--json");

        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.out()).isEqualTo(after.out()).contains("[");
    }

    @Test
    void usageErrors_exitTwoWithTheReasonAndWhereTheHelpIs() {
        CliRunner.Result result = CliRunner.run("pipeline", "run", "--data", "../examples/credit-g/credit-g.csv",
                "--target", "class", "--candidates", "9", "--home", home.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("flywheel: --candidates must be between 1 and 8, got 9\n"
                + "Try `flywheel pipeline run --help`.\n");
        assertThat(home.resolve("metadata.db")).doesNotExist();
    }

    @Test
    void executionsStart_saysWhatIsWrongWithTheInputOrTheDefinition() throws Exception {
        Path definition = Files.writeString(home.resolve("bad.asl.json"),
                "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"InputPath\":\"$.a[\",\"End\":true}}}");
        Path input = Files.writeString(home.resolve("in.json"), "{\"a\": 1}");

        CliRunner.Result badPath = CliRunner.run("executions", "start", "--definition", definition.toString(),
                "--home", home.toString());
        CliRunner.Result noAt = CliRunner.run("executions", "start", "--definition", definition.toString(),
                "--input", input.toString(), "--home", home.toString());
        CliRunner.Result bare = CliRunner.run("executions", "start", "--definition", definition.toString(),
                "--input", "@", "--home", home.toString());

        assertThat(badPath.exitCode()).isEqualTo(2);
        assertThat(badPath.err()).contains("--definition " + definition + ": State 'A': InputPath");
        assertThat(noAt.exitCode()).isEqualTo(2);
        assertThat(noAt.err()).contains("to read the file " + input + ", write --input @" + input);
        assertThat(bare.err()).contains("--input @: name a file after the @");
    }

    @Test
    void promotingTheChampionAgain_isRefusedAsNothingToDo() {
        Workspace.open(home).close();
        try (Workspace workspace = Workspace.open(home)) {
            var models = workspace.stores().registries().models();
            models.register(dev.flywheel.testing.Fixtures.model("m", "run-1"));
            models.moveAlias("m", "champion", 1, "first");
        }

        CliRunner.Result again = CliRunner.run("models", "promote", "m", "1", "--home", home.toString());

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("m v1 is the champion already: nothing to do");
    }

    @Test
    void unknownThings_exitNonZeroWithAOneLineReason() {
        Workspace.open(home).close();
        CliRunner.Result model = CliRunner.run("models", "show", "nope", "--home", home.toString());
        assertThat(model.exitCode()).isEqualTo(1);
        assertThat(model.err().strip()).startsWith("flywheel: no model named 'nope'").doesNotContain("\n");
        CliRunner.Result token = CliRunner.run("approve", "bogus", "--home", home.toString());
        assertThat(token.exitCode()).isEqualTo(1);
        assertThat(token.err()).contains("no task token 'bogus'");
    }
}
