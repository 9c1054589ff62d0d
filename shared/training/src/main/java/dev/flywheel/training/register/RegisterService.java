package dev.flywheel.training.register;

import dev.flywheel.store.Stores;
import dev.flywheel.training.steps.ApprovalRequest;
import dev.flywheel.training.steps.FailRunsRequest;
import dev.flywheel.training.steps.FailRunsResult;
import dev.flywheel.training.steps.PromoteRequest;
import dev.flywheel.training.steps.RegisterRequest;
import dev.flywheel.training.steps.RollbackRequest;
import dev.flywheel.training.steps.RegisterResult;

import dev.flywheel.domain.EvaluationEvidence;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.domain.Run;
import dev.flywheel.lambda.LambdaErrors;
import dev.flywheel.logging.LogContext;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.training.steps.EvaluateResult;
import dev.flywheel.training.evaluate.EvaluateService;
import dev.flywheel.training.steps.TrainResult;
import dev.flywheel.registry.AliasConflictException;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.registry.RunRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The registry operations of the pipeline, one typed method (and one Lambda handler) each: register an evaluated
 * candidate as a model version with its full lineage (and point "challenger" at it), promote a version to
 * "champion" by compare-and-set, roll "champion" back along its history, request a manual approval, and end the
 * runs of a failed execution.
 */
public final class RegisterService {
    private static final Logger LOG = LoggerFactory.getLogger(RegisterService.class);

    private final ModelRegistry models;
    private final RunRegistry runs;
    private final Clock clock;

    public RegisterService(ModelRegistry models, RunRegistry runs, Clock clock) {
        this.models = models;
        this.runs = runs;
        this.clock = clock;
    }

    /** The service over a process's stores (the Lambda handler's and the local runtime's wiring). */
    public static RegisterService over(Stores stores, Clock clock) {
        return new RegisterService(stores.registries().models(), stores.registries().runs(), clock);
    }

    /** Runs {@code operation} with the model's name in the log context; every operation needs the name. */
    private static <T> T forModel(String model, Supplier<T> operation) {
        if (model == null || model.isBlank()) {
            throw new InvalidInputException("model is required");
        }
        try (LogContext ignored = LogContext.with(LogContext.MODEL, model)) {
            return operation.get();
        }
    }

    public RegisterResult register(RegisterRequest request) {
        return forModel(request.model(), () -> registerWithin(request));
    }

    private RegisterResult registerWithin(RegisterRequest request) {
        EvaluateResult evaluation = request.evaluation();
        if (evaluation == null || evaluation.selected() == null) {
            throw new InvalidInputException("register needs 'evaluation': the output of the evaluate step");
        }
        if (evaluation.gate() == null) {
            throw new InvalidInputException("the evaluation has no gate decision: pass the whole output of the evaluate step");
        }
        if (!evaluation.gate().passed() && !EvaluateService.UNDECIDED.equals(evaluation.gate().verdict())) {
            throw new InvalidInputException("the evaluation did not pass its gate (" + evaluation.gate().reasons()
                    + "): only a candidate that passed (or that the gate could not decide on, for review) can be "
                    + "registered");
        }
        TrainResult selected = evaluation.selected();
        Run run = runs.get(selected.runId());
        if (run.lineage() == null) {
            throw new InvalidInputException("run " + run.id() + " has no lineage");
        }
        if (evaluation.evidence() == null) {
            throw new InvalidInputException("the evaluation carries no evidence (split, rows compared, judged "
                    + "champion): pass the whole output of the evaluate step");
        }
        ModelVersion draft = new ModelVersion(request.model(), 0, selected.packageUri(), selected.packageSha256(),
                evaluation.metrics(), run.lineage(), run.id(), selected.params(), run.codeVersion(), clock.instant(),
                evaluation.evidence());
        ModelVersion registered = models.register(draft);
        models.moveAlias(request.model(), ModelAlias.CHALLENGER, registered.version(),
                request.reason() == null ? "registered from run " + run.id() : request.reason());
        LOG.info("registered [version={}, runId={}]", registered.version(), run.id());
        return new RegisterResult(request.model(), registered.version(), ModelAlias.CHALLENGER, registered, null, null,
                RegisterResult.REGISTERED, null);
    }

    /**
     * Makes a version champion. From a pipeline ({@code judgedChampion} given) only if the champion is still the
     * one the version was evaluated against: the alias moves by compare-and-set on the judged revision, and when
     * it moved in between the outcome is {@code superseded} and nothing changes (the version was never compared
     * with the new champion; re-evaluating here would race again, while the next pipeline run compares fairly).
     */
    public RegisterResult promote(PromoteRequest request) {
        return forModel(request.model(), () -> promoteWithin(request));
    }

    private RegisterResult promoteWithin(PromoteRequest request) {
        if (request.version() == null) {
            throw new InvalidInputException("promote needs 'version': the model version to make champion");
        }
        Optional<ModelAlias> current = models.alias(request.model(), ModelAlias.CHAMPION);
        EvaluationEvidence.ChampionRef judged = request.judgedChampion();
        long expected = judged != null ? judged.revision() : current.map(ModelAlias::revision).orElse(0L);
        String reason = request.reason() == null ? "promoted" : request.reason();
        try {
            if (judged != null && current.map(ModelAlias::revision).orElse(0L) != judged.revision()) {
                return superseded(request, judged, current);
            }
            ModelAlias moved = models.moveAlias(request.model(), ModelAlias.CHAMPION, expected, request.version(),
                    reason);
            LOG.info("promoted [version={}, revision={}]", moved.version(), moved.revision());
            return new RegisterResult(request.model(), moved.version(), ModelAlias.CHAMPION, null,
                    current.map(ModelAlias::version).orElse(null), moved.revision(), RegisterResult.PROMOTED, null);
        } catch (AliasConflictException e) {
            if (judged == null) {
                throw e;
            }
            return superseded(request, judged, models.alias(request.model(), ModelAlias.CHAMPION));
        }
    }

    private RegisterResult superseded(PromoteRequest request, EvaluationEvidence.ChampionRef judged,
                                      Optional<ModelAlias> now) {
        String was = judged.none() ? "no champion" : "champion v" + judged.version() + " (alias revision "
                + judged.revision() + ")";
        String is = now.map(a -> "v" + a.version() + " (revision " + a.revision() + ")").orElse("unassigned");
        String reason = "superseded: version " + request.version() + " was evaluated against " + was
                + ", but the champion is now " + is + ", which it was never compared with; not promoted. The next "
                + "pipeline run compares against the new champion";
        LOG.info("promotion superseded [version={}, judgedRevision={}, currentRevision={}]", request.version(),
                judged.revision(), now.map(ModelAlias::revision).orElse(0L));
        return new RegisterResult(request.model(), request.version(), ModelAlias.CHAMPION, null,
                now.map(ModelAlias::version).orElse(null), now.map(ModelAlias::revision).orElse(0L),
                RegisterResult.SUPERSEDED, reason);
    }

    /**
     * The start of a manual approval: the version must exist; the task token is logged with it so that a reviewer
     * can answer it (locally {@code flywheel approve TOKEN}; on AWS SendTaskSuccess / SendTaskFailure, the token
     * is also in the execution history). The execution waits until then.
     */
    public RegisterResult requestApproval(ApprovalRequest request) {
        return forModel(request.model(), () -> requestApprovalWithin(request));
    }

    private RegisterResult requestApprovalWithin(ApprovalRequest request) {
        if (request.version() == null || request.taskToken() == null || request.taskToken().isBlank()) {
            throw new InvalidInputException("requestApproval needs 'version' and 'taskToken'");
        }
        ModelVersion version = models.get(request.model(), request.version());
        LOG.info("approval requested [version={}, runId={}, executionId={}, taskToken={}]", version.version(),
                version.runId(), request.executionId(), request.taskToken());
        return new RegisterResult(request.model(), version.version(), ModelAlias.CHALLENGER, null, null, null,
                RegisterResult.APPROVAL_REQUESTED, null);
    }

    /**
     * The pipeline's failure path: the runs of the failed execution that are still RUNNING (their step timed out,
     * or its process was killed) are recorded as FAILED with the execution's error, instead of staying RUNNING.
     */
    public FailRunsResult failRuns(FailRunsRequest request) {
        return forModel(request.model(), () -> failRunsWithin(request));
    }

    private FailRunsResult failRunsWithin(FailRunsRequest request) {
        if (request.executionId() == null || request.executionId().isBlank()) {
            throw new InvalidInputException("failRuns needs 'executionId': the failed execution");
        }
        String reason = "the pipeline failed: " + (request.error() == null ? "unknown error" : request.error())
                + (request.cause() == null ? "" : ": " + firstLine(LambdaErrors.message(request.cause())));
        int failed = runs.failUnfinished(request.model(), request.executionId(), reason, clock.instant());
        LOG.info("unfinished runs failed [executionId={}, runs={}]", request.executionId(), failed);
        return new FailRunsResult(request.model(), request.executionId(), failed, reason);
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 500 ? line.substring(0, 497) + "..." : line;
    }

    public RegisterResult rollback(RollbackRequest request) {
        return forModel(request.model(), () -> rollbackWithin(request));
    }

    private RegisterResult rollbackWithin(RollbackRequest request) {
        Optional<ModelAlias> current = models.alias(request.model(), ModelAlias.CHAMPION);
        ModelAlias moved = models.rollback(request.model(), ModelAlias.CHAMPION, request.version(),
                request.reason() == null ? "rollback" : request.reason());
        LOG.info("rolled back [version={}, revision={}]", moved.version(), moved.revision());
        return new RegisterResult(request.model(), moved.version(), ModelAlias.CHAMPION, null,
                current.map(ModelAlias::version).orElse(null), moved.revision(), RegisterResult.ROLLED_BACK, null);
    }
}
