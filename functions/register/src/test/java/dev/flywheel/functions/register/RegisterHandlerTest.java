package dev.flywheel.functions.register;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.training.register.RegisterService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.Lineage;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.Run;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.registry.AliasConflictException;
import dev.flywheel.registry.ModelNotFoundException;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.Hashing;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.flywheel.testing.LambdaEvents.event;
import static dev.flywheel.testing.LambdaEvents.invoke;
import static dev.flywheel.testing.LambdaEvents.invokeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The register Lambda, invoked with the bytes the {@code Register}, {@code WaitForApproval} and {@code Promote}
 * states send (and the CLI's rollback). Upstream state is a finished training run per version.
 */
class RegisterHandlerTest {
    private static final String MODEL = "churn-model";
    private static final String TASK_TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAfake+task/token==";

    @TempDir
    Path home;
    private Stores stores;
    private FlywheelConfig config;
    private RegisterHandler handler;
    private PromoteHandler promote;
    private RollbackHandler rollback;
    private RequestApprovalHandler approval;
    private int runs;

    @BeforeEach
    void open() {
        config = FlywheelConfig.from(Map.of("FLYWHEEL_HOME", home.toString(), "FLYWHEEL_CODE_VERSION", "test-commit"));
        stores = LocalStores.open(config.home(), Clock.systemUTC());
        RegisterService service = RegisterService.over(stores, Clock.systemUTC());
        handler = new RegisterHandler(service);
        promote = new PromoteHandler(service);
        rollback = new RollbackHandler(service);
        approval = new RequestApprovalHandler(service);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void register_createsVersionWithRunLineageAndPointsChallengerAtIt() {
        Map<String, String> run = finishedRun();

        JsonNode result = invoke(handler, event("register.json", run));

        assertThat(result.path("model").asText()).isEqualTo(MODEL);
        assertThat(result.path("version").asInt()).isEqualTo(1);
        assertThat(result.path("alias").asText()).isEqualTo("challenger");
        assertThat(result.path("previousVersion").isNull()).isTrue();
        JsonNode version = result.path("modelVersion");
        assertThat(version.path("runId").asText()).isEqualTo(run.get("RUN_ID"));
        assertThat(version.path("artifactUri").asText()).isEqualTo(run.get("PACKAGE_URI"));
        assertThat(version.path("artifactSha256").asText()).isEqualTo(run.get("PACKAGE_SHA"));
        assertThat(version.path("codeVersion").asText()).isEqualTo("test-commit");
        assertThat(version.path("metrics").path("auc").asDouble()).isEqualTo(0.83);
        assertThat(version.path("lineage").path("datasetName").asText()).isEqualTo("churn");
        assertThat(version.path("evaluation").path("split").path("salt").asText()).isEqualTo(MODEL);
        assertThat(version.path("evaluation").path("testRows").path("count").asLong()).isEqualTo(44);
        assertThat(version.path("evaluation").path("verdict").asText()).isEqualTo("passed");
        assertThat(stores.registries().models().resolve(MODEL, ModelAlias.CHALLENGER).runId()).isEqualTo(run.get("RUN_ID"));
        assertThat(stores.registries().models().alias(MODEL, ModelAlias.CHAMPION)).isEmpty();
    }

    @Test
    void register_refusesEvaluationThatFailedItsGate() {
        assertThatThrownBy(() -> invoke(handler, event("register-gate-failed.json", finishedRun())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("did not pass its gate")
                .hasMessageContaining("fails threshold");
        assertThat(stores.registries().models().versions(MODEL)).isEmpty();
    }

    @Test
    void register_rejectsRegisterWithoutEvaluation() {
        assertThatThrownBy(() -> invoke(handler, event("register-missing-evaluation.json")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'evaluation'")
                .hasMessageContaining("evaluate step");
    }

    @Test
    void promote_makesRegisteredVersionChampionFromPromotePayload() {
        registerVersion();

        JsonNode result = invoke(promote, event("promote.json"));

        assertThat(result.path("version").asInt()).isEqualTo(1);
        assertThat(result.path("alias").asText()).isEqualTo("champion");
        assertThat(result.path("previousVersion").isNull()).isTrue();
        assertThat(result.path("revision").asLong()).isEqualTo(1);
        assertThat(stores.registries().models().aliasHistory(MODEL, ModelAlias.CHAMPION))
                .singleElement().satisfies(move -> assertThat(move.reason()).isEqualTo("passed the evaluation gate"));
    }

    @Test
    void promote_failsWithModelNotFoundForMissingVersionAndLeavesChampion() {
        registerVersion();
        invoke(promote, event("promote.json"));

        assertThatThrownBy(() -> invoke(promote, event("promote-missing-version.json")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("'churn-model'")
                .hasMessageContaining("version 9");
        ModelAlias champion = stores.registries().models().alias(MODEL, ModelAlias.CHAMPION).orElseThrow();
        assertThat(champion.version()).isEqualTo(1);
        assertThat(champion.revision()).isEqualTo(1);
    }

    @Test
    void promote_failsWithAliasConflictWhenChampionMovesBetweenReadAndWrite() {
        registerVersion();
        registerVersion();
        invoke(promote, event("promote.json"));
        // Another execution promotes version 2 right after this invocation read the champion at revision 1.
        PromoteHandler racingHandler = promotingVersion2AfterTheChampionIsRead();

        assertThatThrownBy(() -> invoke(racingHandler, event("promote.json")))
                .isInstanceOf(AliasConflictException.class)
                .hasMessageContaining("revision 2, not 1")
                .hasMessageContaining("moved since it was read");
        ModelAlias champion = stores.registries().models().alias(MODEL, ModelAlias.CHAMPION).orElseThrow();
        assertThat(champion.version()).isEqualTo(2);
        assertThat(champion.revision()).isEqualTo(2);
        assertThat(stores.registries().models().aliasHistory(MODEL, ModelAlias.CHAMPION)).hasSize(2);
    }

    @Test
    void promote_judgedAgainstNoChampion_promotesWhileThereIsStillNone() {
        registerVersion();

        JsonNode result = invoke(promote, event("promote-judged-against-no-champion.json"));

        assertThat(result.path("outcome").asText()).isEqualTo("promoted");
        assertThat(result.path("revision").asLong()).isEqualTo(1);
        assertThat(stores.registries().models().alias(MODEL, ModelAlias.CHAMPION).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void promote_isSupersededWhenTheJudgedChampionMovedBeforePromotion() {
        registerVersion();
        registerVersion();
        // Two pipelines both evaluated against "no champion"; the first promotes version 1.
        invoke(promote, event("promote-judged-against-no-champion.json"));

        JsonNode second = invoke(promote, "{\"model\":\"churn-model\",\"version\":2,"
                + "\"judgedChampion\":{\"version\":null,\"revision\":0}}");

        assertThat(second.path("outcome").asText()).isEqualTo("superseded");
        assertThat(second.path("reason").asText()).contains("version 2 was evaluated against no champion")
                .contains("now v1 (revision 1)").contains("never compared");
        ModelAlias champion = stores.registries().models().alias(MODEL, ModelAlias.CHAMPION).orElseThrow();
        assertThat(champion.version()).isEqualTo(1);
        assertThat(champion.revision()).isEqualTo(1);
    }

    @Test
    void promote_isSupersededWhenTheChampionMovesBetweenReadAndWrite() {
        registerVersion();
        registerVersion();
        registerVersion();
        invoke(promote, event("promote.json"));
        PromoteHandler racingHandler = promotingVersion2AfterTheChampionIsRead();

        JsonNode result = invoke(racingHandler, "{\"model\":\"churn-model\",\"version\":3,"
                + "\"judgedChampion\":{\"version\":1,\"revision\":1}}");

        assertThat(result.path("outcome").asText()).isEqualTo("superseded");
        assertThat(result.path("reason").asText()).contains("champion v1 (alias revision 1)").contains("now v2");
        assertThat(stores.registries().models().alias(MODEL, ModelAlias.CHAMPION).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void promote_rejectsVersionThatIsNotANumber() {
        assertThatThrownBy(() -> invoke(promote, event("promote-version-not-a-number.json")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid PromoteRequest")
                .hasMessageContaining("\"latest\"");
    }

    @Test
    void promote_rejectsEventWithoutModel() {
        assertThatThrownBy(() -> invoke(promote, event("promote-without-model.json")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model is required");
    }

    @Test
    void rollback_movesChampionBackToPreviousVersion() {
        registerVersion();
        registerVersion();
        invoke(promote, event("promote.json"));
        invoke(promote, "{\"model\":\"churn-model\",\"version\":2}");

        JsonNode result = invoke(rollback, event("rollback.json"));

        assertThat(result.path("version").asInt()).isEqualTo(1);
        assertThat(result.path("previousVersion").asInt()).isEqualTo(2);
        assertThat(result.path("revision").asLong()).isEqualTo(3);
    }

    @Test
    void rollback_failsWithModelNotFoundWhenThereIsNoChampion() {
        registerVersion();

        assertThatThrownBy(() -> invoke(rollback, event("rollback.json")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("no alias 'champion'");
    }

    @Test
    void requestApproval_returnsVersionAwaitingReviewFromWaitForTaskTokenPayload() {
        registerVersion();

        JsonNode result = invoke(approval, event("request-approval.json", Map.of("TASK_TOKEN", TASK_TOKEN)));

        assertThat(result.path("version").asInt()).isEqualTo(1);
        assertThat(result.path("alias").asText()).isEqualTo("challenger");
        assertThat(stores.registries().models().alias(MODEL, ModelAlias.CHAMPION)).isEmpty();
    }

    @Test
    void requestApproval_rejectsEventWithoutTaskToken() {
        registerVersion();

        assertThatThrownBy(() -> invoke(approval, event("request-approval-without-task-token.json")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'taskToken'");
    }

    @Test
    void register_rejectsEventThatIsNotJson() {
        assertThatThrownBy(() -> invokeRaw(handler, "action=promote".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a valid RegisterRequest");
    }

    /** A finished training run, as the train step leaves it; the values its register event refers to. */
    private Map<String, String> finishedRun() {
        String runId = "run-test" + (++runs);
        String packageUri = stores.artifacts().uri("models/" + MODEL + "/" + runId + "/model.zip");
        Lineage lineage = new Lineage("churn", 1, Hashing.sha256("data"), Hashing.sha256("pipeline"));
        var now = Clock.systemUTC().instant();
        stores.registries().runs().create(Run.start(runId, MODEL, Map.of("max_depth", "3"), "test-commit", lineage, now)
                .finish(Map.of(), Map.of("validation_auc", 0.84), Map.of("package", packageUri), now));
        return Map.of("RUN_ID", runId, "PACKAGE_URI", packageUri, "PACKAGE_SHA", Hashing.sha256(runId));
    }

    private int registerVersion() {
        return invoke(handler, event("register.json", finishedRun())).path("version").asInt();
    }

    /** A handler over a table on which another execution promotes version 2 right after the champion is read. */
    private PromoteHandler promotingVersion2AfterTheChampionIsRead() {
        MetadataTable table = stores.registries().table();
        ModelRegistry concurrent = new ModelRegistry(table, Clock.systemUTC());
        MetadataTable racing = new RacingTable(table, "ALIAS#" + ModelAlias.CHAMPION,
                () -> concurrent.moveAlias(MODEL, ModelAlias.CHAMPION, 2, "concurrent promotion"));
        return new PromoteHandler(RegisterService.over(new Stores(stores.artifacts(), Registries.over(racing, Clock.systemUTC())), Clock.systemUTC()));
    }

    /** A table on which another writer acts right after this reader's first read of one item. */
    private static final class RacingTable implements MetadataTable {
        private final MetadataTable delegate;
        private final String raceAfterReading;
        private Runnable race;

        RacingTable(MetadataTable delegate, String raceAfterReading, Runnable race) {
            this.delegate = delegate;
            this.raceAfterReading = raceAfterReading;
            this.race = race;
        }

        @Override
        public Optional<Item> get(String pk, String sk) {
            Optional<Item> item = delegate.get(pk, sk);
            if (race != null && sk.equals(raceAfterReading)) {
                Runnable r = race;
                race = null;
                r.run();
            }
            return item;
        }

        @Override
        public List<Item> query(String pk, String skPrefix, boolean descending, int limit) {
            return delegate.query(pk, skPrefix, descending, limit);
        }

        @Override
        public void write(List<Write> writes) {
            delegate.write(writes);
        }

        @Override
        public void close() {
            // the test's own Stores closes the real table
        }
    }
}
