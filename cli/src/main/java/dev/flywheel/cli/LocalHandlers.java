package dev.flywheel.cli;

import dev.flywheel.statemachines.local.LocalFunctions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.functions.drift.DecideRetrainingHandler;
import dev.flywheel.functions.drift.PlanWindowHandler;
import dev.flywheel.functions.drift.ProfileCapturesHandler;
import dev.flywheel.functions.drift.RecordRetrainingHandler;
import dev.flywheel.functions.drift.ScoreWindowHandler;
import dev.flywheel.functions.evaluate.EvaluateHandler;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.functions.ingest.IngestHandler;
import dev.flywheel.functions.preprocess.PreprocessHandler;
import dev.flywheel.functions.register.FailRunsHandler;
import dev.flywheel.functions.register.PromoteHandler;
import dev.flywheel.functions.register.RegisterHandler;
import dev.flywheel.functions.register.RequestApprovalHandler;
import dev.flywheel.functions.register.RollbackHandler;
import dev.flywheel.functions.train.TrainHandler;
import dev.flywheel.store.Stores;
import dev.flywheel.training.evaluate.EvaluateService;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.training.preprocess.PreprocessService;
import dev.flywheel.training.register.RegisterService;
import dev.flywheel.xgboost.TrainService;
import java.time.Clock;

/**
 * Flywheel's Lambda functions for the embedded runtime: the handler classes deployed to AWS, built over this
 * process's stores. Names match the state machines' placeholders ({@code ${IngestFunctionArn}}, ...).
 */
final class LocalHandlers {
    private LocalHandlers() {
    }

    static LocalFunctions register(LocalFunctions functions, FlywheelConfig config, Stores stores, Clock clock) {
        RegisterService registry = RegisterService.over(stores, clock);
        DriftMonitor monitor = new DriftMonitor(stores, clock);
        return functions
                .add("Ingest", () -> new IngestHandler(IngestService.over(stores, clock)))
                .add("Preprocess", () -> new PreprocessHandler(PreprocessService.over(stores, clock)))
                .add("Train", () -> new TrainHandler(TrainService.over(stores, clock, config.codeVersion())))
                .add("Evaluate", () -> new EvaluateHandler(EvaluateService.over(stores, clock)))
                .add("Register", () -> new RegisterHandler(registry))
                .add("Promote", () -> new PromoteHandler(registry))
                .add("Rollback", () -> new RollbackHandler(registry))
                .add("RequestApproval", () -> new RequestApprovalHandler(registry))
                .add("FailRuns", () -> new FailRunsHandler(registry))
                .add("DriftPlan", () -> new PlanWindowHandler(monitor))
                .add("DriftProfile", () -> new ProfileCapturesHandler(monitor))
                .add("DriftScore", () -> new ScoreWindowHandler(monitor))
                .add("DriftDecide", () -> new DecideRetrainingHandler(monitor))
                .add("DriftOutcome", () -> new RecordRetrainingHandler(monitor));
    }
}
