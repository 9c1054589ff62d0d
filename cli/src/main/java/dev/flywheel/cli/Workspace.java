package dev.flywheel.cli;

import dev.flywheel.statemachines.local.LocalFunctions;
import dev.flywheel.statemachines.local.LocalRuntime;
import dev.flywheel.statemachines.runtime.Sleeper;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.store.Stores;
import dev.flywheel.store.aws.AwsStores;
import dev.flywheel.store.local.LocalStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A Flywheel home opened for one command: its stores, the functions built on them, the embedded runtime.
 */
public final class Workspace implements AutoCloseable {
    private static final String METADATA = "metadata.db";
    private final FlywheelConfig config;
    private final Stores stores;
    private final LocalRuntime runtime;

    private Workspace(FlywheelConfig config, Stores stores, LocalRuntime runtime) {
        this.config = config;
        this.stores = stores;
        this.runtime = runtime;
    }

    /**
     * For a command that writes: the local home {@code home}, created (and said so on stderr) when it does not exist
     * yet; or, when the environment says {@code FLYWHEEL_MODE=aws}, the S3 bucket and DynamoDB table it names (the
     * catalogue of a deployed Flywheel, or an emulator's), checked first.
     */
    public static Workspace open(Path home) {
        FlywheelConfig config = config(home);
        if (config.mode() == FlywheelConfig.Mode.LOCAL && Files.exists(config.home()) && !Files.isDirectory(config.home())) {
            throw new IllegalArgumentException("--home " + home + " is a file, not a folder: point it at a folder "
                    + "(a new one is created)");
        }
        if (config.mode() == FlywheelConfig.Mode.LOCAL && !Files.exists(config.home().resolve(METADATA))) {
            System.err.println("flywheel: creating a new home at " + config.home().toAbsolutePath().normalize());
        }
        return open(config);
    }

    /**
     * For a command that only reads (or answers what is there): refuses a local home that does not exist, saying
     * that there is nothing there, instead of creating an empty one.
     */
    public static Workspace openExisting(Path home) {
        FlywheelConfig config = config(home);
        if (config.mode() == FlywheelConfig.Mode.LOCAL && !Files.exists(config.home().resolve(METADATA))) {
            throw new NothingHereException("there is no Flywheel home at " + config.home().toAbsolutePath().normalize()
                    + ": nothing has run there yet. Run `flywheel demo` or `flywheel pipeline run` first, or point "
                    + "--home (or FLYWHEEL_HOME) at an existing home");
        }
        return open(config);
    }

    /** A read-only command found no home. */
    public static final class NothingHereException extends RuntimeException {
        NothingHereException(String message) {
            super(message);
        }
    }

    private static FlywheelConfig config(Path home) {
        return FlywheelConfig.fromEnvironment(Map.of(FlywheelConfig.HOME, home.toString()));
    }

    public static Workspace open(FlywheelConfig config) {
        Clock clock = Clock.systemUTC();
        Stores stores = config.mode() == FlywheelConfig.Mode.LOCAL
                ? LocalStores.open(config.home(), clock)
                : AwsStores.open(config, clock);
        if (config.mode() == FlywheelConfig.Mode.AWS) {
            try {
                stores.artifacts().checkAvailable();
                stores.registries().table().checkAvailable();
            } catch (RuntimeException e) {
                stores.close();
                throw e;
            }
        } else {
            warnAboutAbandonedExecutions(stores);
        }
        LocalFunctions functions = LocalHandlers.register(new LocalFunctions(), config, stores, clock);
        // The training pipeline is registered so that the drift monitor can start it (states:startExecution).
        LocalRuntime runtime = new LocalRuntime(functions, stores.registries().executions(), stores.artifacts(), clock,
                Sleeper.system()).withStateMachine("training-pipeline", PipelineRunner.definition());
        return new Workspace(config, stores, runtime);
    }

    /** Says once, when a command starts, that executions of processes that are gone are still marked RUNNING. */
    private static void warnAboutAbandonedExecutions(Stores stores) {
        long abandoned = stores.registries().executions().list(100).stream()
                .filter(dev.flywheel.domain.ExecutionRecord::abandoned).count();
        if (abandoned > 0) {
            System.err.println("flywheel: " + abandoned + " execution(s) marked RUNNING belong to a process that is "
                    + "gone (killed, out of memory); `flywheel executions abort --abandoned` records them as aborted");
        }
    }

    public FlywheelConfig config() {
        return config;
    }

    public Stores stores() {
        return stores;
    }

    public LocalRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        stores.close();
    }
}
