package dev.flywheel.cli;

import dev.flywheel.cli.local.LocalFunctions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.functions.evaluate.EvaluateHandler;
import dev.flywheel.functions.ingest.IngestHandler;
import dev.flywheel.functions.preprocess.PreprocessHandler;
import dev.flywheel.functions.register.RegisterHandler;
import dev.flywheel.functions.train.TrainHandler;
import dev.flywheel.store.Stores;

/**
 * Flywheel's Lambda functions for the embedded runtime: the handler classes deployed to AWS, built on the local
 * stores. Names match the state machines' placeholders ({@code ${IngestFunctionArn}}, ...).
 */
final class PipelineFunctions {
    private PipelineFunctions() {
    }

    static LocalFunctions register(LocalFunctions functions, FlywheelConfig config, Stores stores) {
        return functions
                .add("Ingest", () -> new IngestHandler(stores, config))
                .add("Preprocess", () -> new PreprocessHandler(stores, config))
                .add("Train", () -> new TrainHandler(stores, config))
                .add("Evaluate", () -> new EvaluateHandler(stores, config))
                .add("Register", () -> new RegisterHandler(stores, config));
    }
}
