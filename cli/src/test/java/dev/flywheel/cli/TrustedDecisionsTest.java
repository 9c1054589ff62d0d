package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.domain.MlTask;
import dev.flywheel.data.SyntheticDataGenerator;
import dev.flywheel.training.preprocess.Checkpoint;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.training.ingest.DatasetFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decisions of the training pipeline, run as deployed (the ASL definition through the real handlers): a fair
 * comparison with the champion, promotion only against the champion that was judged, fail-closed reads, and data
 * read as the file says.
 */
class TrustedDecisionsTest {
    @TempDir
    Path home;
    private Workspace workspace;

    @BeforeEach
    void open() {
        workspace = Workspace.open(home);
    }

    @AfterEach
    void close() {
        workspace.close();
    }

    private Path synthetic(String name, int rows) throws IOException {
        Path file = home.resolve(name);
        try (Writer out = Files.newBufferedWriter(file)) {
            SyntheticDataGenerator.of(42, MlTask.BINARY).write(out, rows);
        }
        return file;
    }

    private static PipelineRunner.Request request(Path data, String target, String model, long seed) {
        return new PipelineRunner.Request(data, target, model, List.of(), List.of(), List.of(), null, 2, false, seed);
    }

    private ExecutionResult run(ObjectNode input, ExecutionListener listener) {
        return workspace.runtime().run("training-pipeline", PipelineRunner.definition(), input, listener);
    }

    private ExecutionResult run(PipelineRunner.Request request) {
        return run(PipelineRunner.input(request), ExecutionListener.none());
    }

    private static ObjectNode withCandidate(ObjectNode input, String params) {
        ArrayNode candidates = input.putArray("candidates");
        candidates.addObject().set("params", Json.tree(params));
        return input;
    }

    /** The preprocessing checkpoint (folder) a model version was trained on. */
    private String checkpoint(ModelVersion version) {
        String manifest = workspace.stores().registries().runs().get(version.runId()).artifacts().get("features");
        return workspace.stores().artifacts().keyOf(manifest).replace(Checkpoint.MANIFEST, "");
    }

    /** Rows of a checkpoint's test.csv, or of a dataset version's data.csv, as their CSV lines. */
    private Set<String> lines(String key) throws IOException {
        try (var in = workspace.stores().artifacts().get(key)) {
            List<String> all = new String(in.readAllBytes()).lines().toList();
            return new HashSet<>(all.subList(1, all.size()));
        }
    }

    @Test
    void retrainingOnGrownData_comparesOnRowsNeitherModelTrainedOn_andPromotesTheBetterChallenger() throws IOException {
        Path data = synthetic("churn.csv", 2000);
        ExecutionResult first = run(request(data, "target", "churn", 42));
        ModelVersion champion = workspace.stores().registries().models().get("churn", 1);
        Path grown = synthetic("grown.csv", 4000);
        Files.copy(grown, data, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        ExecutionResult second = run(request(data, "target", "churn", 42));

        assertThat(first.output().path("promoted").asBoolean()).isTrue();
        JsonNode out = second.output();
        assertThat(out.path("promoted").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.path("version").asInt()).isEqualTo(2);
        assertThat(out.path("dataset").path("version").asInt()).isEqualTo(2);
        long testRows = out.path("testRows").path("count").asLong();
        assertThat(out.path("comparedRows").path("count").asLong()).isEqualTo(testRows).isGreaterThan(500);
        assertThat(out.path("gate").path("reasons").toString()).contains("vs champion v1")
                .contains("on the " + testRows + " test rows neither trained on");
        // No row the champion trained or validated on is among the rows it was judged on.
        DatasetVersion v1 = workspace.stores().registries().datasets().get("churn", 1);
        Set<String> championSeen = lines(DatasetFiles.key(v1, DatasetFiles.DATA));
        championSeen.removeAll(lines(checkpoint(champion) + Checkpoint.TEST_ROWS));
        ModelVersion promoted = workspace.stores().registries().models().get("churn", 2);
        Set<String> judgedOn = lines(checkpoint(promoted) + Checkpoint.TEST_ROWS);
        assertThat(judgedOn).hasSize((int) testRows).doesNotContainAnyElementsOf(championSeen);
        assertThat(promoted.evaluation().judgedChampion().version()).isEqualTo(1);
        assertThat(promoted.evaluation().comparedRows().count()).isEqualTo(testRows);
        assertThat(promoted.evaluation().split().salt()).isEqualTo("churn");
    }

    @Test
    void anotherSeed_comparesOnTheSameTestRows_soTheChampionScoresAsOnItsOwnTestAndABetterChallengerWins()
            throws IOException {
        Path data = synthetic("churn.csv", 2000);
        ObjectNode weak = withCandidate(PipelineRunner.input(request(data, "target", "churn", 1)),
                "{\"max_depth\":1,\"eta\":0.3,\"num_round\":3}");
        ExecutionResult first = run(weak, ExecutionListener.none());
        double championAuc = first.output().path("metrics").path("auc").asDouble();

        ExecutionResult second = run(withCandidate(PipelineRunner.input(request(data, "target", "churn", 7)),
                "{\"max_depth\":4,\"eta\":0.1,\"num_round\":200}"), ExecutionListener.none());

        JsonNode out = second.output();
        assertThat(out.path("promoted").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.path("comparedRows").path("count").asLong()).isEqualTo(out.path("testRows").path("count").asLong());
        assertThat(out.path("testRows")).isEqualTo(first.output().path("testRows"));
        // The champion is scored on exactly its own test rows: no inflation from rows it trained on.
        assertThat(out.path("champion").path("metrics").path("auc").asDouble()).isEqualTo(championAuc);
        assertThat(out.path("metrics").path("auc").asDouble()).isGreaterThan(championAuc);
    }

    @Test
    void twoPipelinesRacingToPromote_theOneWhoseJudgedChampionMovedDoesNotPromoteAndSaysSo() throws Exception {
        Path data = synthetic("churn.csv", 2000);
        AtomicReference<String> token = new AtomicReference<>();
        ExecutionListener captureToken = event -> {
            if (event.type().equals("TaskScheduled")
                    && event.details().path("resource").asText().endsWith(".waitForTaskToken")) {
                token.set(event.details().path("parameters").path("Payload").path("taskToken").asText());
            }
        };
        ObjectNode waiting = PipelineRunner.input(new PipelineRunner.Request(data, "target", "churn", List.of(),
                List.of(), List.of(), null, 1, true, 1));
        CompletableFuture<ExecutionResult> slow = CompletableFuture.supplyAsync(() -> run(waiting, captureToken));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (token.get() == null && System.nanoTime() < deadline && !slow.isDone()) {
            Thread.onSpinWait();
        }
        assertThat(token.get()).as("the first pipeline waits for approval").isNotNull();

        // Meanwhile another pipeline, judged against the same (absent) champion, promotes its model.
        ExecutionResult fast = run(request(data, "target", "churn", 2));
        assertThat(fast.output().path("promoted").asBoolean()).isTrue();
        workspace.stores().registries().executions().succeedTaskToken(token.get(), Json.object().put("approved", true));
        ExecutionResult late = slow.get(60, TimeUnit.SECONDS);

        assertThat(late.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode out = late.output();
        assertThat(out.path("promoted").asBoolean()).isFalse();
        assertThat(out.path("outcome").asText()).isEqualTo("superseded");
        assertThat(out.path("reason").asText()).contains("was evaluated against no champion")
                .contains("champion is now v" + fast.output().path("version").asInt())
                .contains("never compared");
        ModelAlias champion = workspace.stores().registries().models().alias("churn", ModelAlias.CHAMPION).orElseThrow();
        assertThat(champion.version()).isEqualTo(fast.output().path("version").asInt());
        assertThat(champion.revision()).isEqualTo(1);
    }

    @Test
    void aCorruptChampionPackage_stopsThePipelineByNameAndNothingIsPromoted() throws IOException {
        Path data = synthetic("churn.csv", 2000);
        run(request(data, "target", "churn", 1));
        ModelVersion champion = workspace.stores().registries().models().get("churn", 1);
        Path zip = Path.of(java.net.URI.create(champion.artifactUri()));
        byte[] bytes = Files.readAllBytes(zip);
        for (int i : new int[]{100, 200, 300}) {
            bytes[i] ^= (byte) 0xff;
        }
        Files.write(zip, bytes);

        ExecutionResult result = run(request(data, "target", "churn", 7));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("dev.flywheel.store.ArtifactIntegrityException");
        assertThat(result.cause()).contains(champion.artifactUri()).contains("not the " + champion.artifactSha256());
        assertThat(workspace.stores().registries().models().versions("churn")).hasSize(1);
        assertThat(workspace.stores().registries().models().alias("churn", ModelAlias.CHAMPION).orElseThrow()
                .revision()).isEqualTo(1);
    }

    @Test
    void aCorruptCheckpoint_stopsThePipelineByNameAndTheNextRunRebuildsIt() throws IOException {
        Path data = synthetic("churn.csv", 2000);
        JsonNode first = run(request(data, "target", "churn", 1)).output();
        String features = checkpoint(workspace.stores().registries().models().get("churn", 1));
        Path trainBin = home.resolve("artifacts").resolve(features + Checkpoint.TRAIN);
        byte[] bytes = Files.readAllBytes(trainBin);
        bytes[bytes.length - 10] ^= 0x11;
        Files.write(trainBin, bytes);

        ExecutionResult broken = run(request(data, "target", "churn", 7));

        assertThat(broken.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(broken.error()).isEqualTo("dev.flywheel.store.ArtifactIntegrityException");
        assertThat(broken.cause()).contains(features + "train.bin").contains("run the pipeline again to rebuild it");
        assertThat(workspace.stores().registries().models().versions("churn")).hasSize(1);
        ExecutionResult rebuilt = run(request(data, "target", "churn", 7));
        assertThat(rebuilt.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(rebuilt.output().path("testRows")).isEqualTo(first.path("testRows"));
    }

    @Test
    void aCorruptDatasetFile_stopsThePipelineByName_andAnIdenticalIngestRestoresAChangedDataFile() throws IOException {
        Path data = synthetic("churn.csv", 2000);
        JsonNode first = run(request(data, "target", "churn", 1)).output();
        DatasetVersion v1 = workspace.stores().registries().datasets().get("churn", 1);
        Path domains = home.resolve("artifacts").resolve(DatasetFiles.key(v1, DatasetFiles.DOMAINS));
        Files.writeString(domains, Files.readString(domains).replace("\"a\"", "\"z\""));
        Files.copy(synthetic("grown.csv", 2500), data, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // A new version reads the first version's category domains: a changed file stops it.
        ExecutionResult stopped = run(request(data, "target", "churn", 1));

        assertThat(stopped.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(stopped.error()).isEqualTo("dev.flywheel.store.ArtifactIntegrityException");
        assertThat(stopped.cause()).contains(DatasetFiles.key(v1, DatasetFiles.DOMAINS))
                .contains("Ingest the same source again");
        assertThat(workspace.stores().registries().datasets().versions("churn")).hasSize(1);

        // The identical source restores it (and a changed data.csv), and the pipeline reads what was registered.
        Path dataCsv = home.resolve("artifacts").resolve(DatasetFiles.key(v1, DatasetFiles.DATA));
        Files.writeString(dataCsv, Files.readString(dataCsv).replaceFirst("\n0\\.4147,", "\n9.4147,"));
        synthetic("churn.csv", 2000);
        workspace.stores().artifacts().delete(workspace.stores().artifacts().list("features/").get(0));
        ExecutionResult restored = run(request(data, "target", "churn", 1));
        assertThat(restored.status()).as(restored.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(restored.output().path("testRows")).isEqualTo(first.path("testRows"));
        assertThat(DatasetFiles.verify(workspace.stores().artifacts(), v1)).contains(DatasetFiles.DATA,
                DatasetFiles.DOMAINS);
    }

    @Test
    void aChampionWhoseTrainingRowsAreUnknown_leavesTheGateUndecided_andTheChallengerRegisteredForReview()
            throws IOException {
        Path data = synthetic("churn.csv", 2000);
        run(request(data, "target", "churn", 1));
        var models = workspace.stores().registries().models();
        ModelVersion v1 = models.get("churn", 1);
        // A champion registered without an evaluation (by hand, or by an older Flywheel): no recorded split.
        ModelVersion bare = models.register(new ModelVersion("churn", 0, v1.artifactUri(), v1.artifactSha256(),
                v1.metrics(), v1.lineage(), v1.runId(), v1.params(), v1.codeVersion(), v1.createdAt(), null));
        models.moveAlias("churn", ModelAlias.CHAMPION, bare.version(), "by hand");

        ExecutionResult result = run(request(data, "target", "churn", 7));

        JsonNode out = result.output();
        assertThat(out.path("outcome").asText()).as(out.toString()).isEqualTo("undecided");
        assertThat(out.path("promoted").asBoolean()).isFalse();
        assertThat(out.path("gate").path("verdict").asText()).isEqualTo("undecided");
        assertThat(out.path("gate").path("reasons").toString()).contains("records no split");
        int registered = out.path("version").asInt();
        assertThat(out.path("reason").asText()).contains("flywheel models promote churn " + registered);
        assertThat(models.get("churn", registered).evaluation().verdict()).isEqualTo("undecided");
        assertThat(models.alias("churn", ModelAlias.CHAMPION).orElseThrow().version()).isEqualTo(bare.version());
        assertThat(models.alias("churn", ModelAlias.CHALLENGER).orElseThrow().version()).isEqualTo(registered);
    }

    @Test
    void creditG_keepsTheCategoryNone() {
        ExecutionResult result = run(request(PipelineRunCommandTest.CREDIT_G, "class", "credit-risk", 42));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String features = checkpoint(workspace.stores().registries().models().get("credit-risk", 1));
        FittedPipeline pipeline = Json.read(dev.flywheel.serving.ArtifactIo.text(workspace.stores().artifacts(),
                features + Checkpoint.PIPELINE), FittedPipeline.class);
        assertThat(pipeline.features()).filteredOn(f -> f.name().equals("other_parties")).singleElement()
                .satisfies(f -> assertThat(f.categories()).contains("none").doesNotContain(""));
        assertThat(pipeline.features()).filteredOn(f -> f.name().equals("own_telephone")).singleElement()
                .satisfies(f -> assertThat(f.categories()).containsExactlyInAnyOrder("none", "yes"));
    }

    @Test
    void aNumericColumnNamedLikeAnIdentifier_isAFeature() throws IOException {
        Path data = home.resolve("payments.csv");
        Random random = new Random(3);
        StringBuilder csv = new StringBuilder("id,amount_paid,valid,noise,late\n");
        for (int i = 0; i < 3000; i++) {
            double paid = Math.round(random.nextDouble() * 100000) / 100.0;
            boolean late = paid + random.nextGaussian() * 40 < 500;
            csv.append(i + 1).append(',').append(paid).append(',').append(random.nextInt(2)).append(',')
                    .append(random.nextInt(50)).append(',').append(late ? "yes" : "no").append('\n');
        }
        Files.writeString(data, csv);

        ExecutionResult result = run(request(data, "late", "payments", 1));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().path("metrics").path("auc").asDouble()).isGreaterThan(0.95);
        assertThat(result.output().path("leftOut").toString()).contains("\"column\":\"id\"")
                .doesNotContain("amount_paid").doesNotContain("\"valid\"");
    }

    @Test
    void aClassWithOneRow_isRefusedBeforeTrainingWithTheRowsItNeeds() throws IOException {
        Path data = home.resolve("rare.csv");
        StringBuilder csv = new StringBuilder("x,c,y\n");
        for (int i = 0; i < 500; i++) {
            csv.append(i).append(',').append(i % 7).append(",no\n");
        }
        csv.append("500,3,yes\n");
        Files.writeString(data, csv);

        ExecutionResult result = run(request(data, "y", "rare", 1));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("dev.flywheel.training.DataValidationException");
        assertThat(result.cause()).contains("'yes' has 1 row:").contains("about 29 rows");
        assertThat(workspace.stores().registries().runs().list("rare", 0)).isEmpty();
    }

    @Test
    void theSummaryListsQuarantinedRowsAndLeftOutColumns() {
        CliRunner.Result result = CliRunner.run("pipeline", "run", "--data", PipelineRunCommandTest.CREDIT_G.toString(),
                "--target", "class", "--id", "duration", "--candidates", "1", "--home", home.resolve("h").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("left out").contains("duration: identifier named by the user (id)");
        JsonNode json = CliRunner.run("datasets", "show", "credit-g", "--verify", "--json", "--home",
                home.resolve("h").toString()).json();
        assertThat(json.path("verified").toString()).contains("data.csv", "schema.json", "domains.json");
        assertThat(json.path("schema").path("identity").toString()).contains("duration");
    }
}
