package dev.flywheel.cli;

import dev.flywheel.cli.local.LocalFunctions;
import dev.flywheel.cli.local.LocalRuntime;
import dev.flywheel.cli.runtime.Sleeper;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A local Flywheel home opened for one command: its stores, the functions built on them, the embedded runtime.
 */
public final class Workspace implements AutoCloseable {
    private final FlywheelConfig config;
    private final Stores stores;
    private final LocalRuntime runtime;

    private Workspace(FlywheelConfig config, Stores stores, LocalRuntime runtime) {
        this.config = config;
        this.stores = stores;
        this.runtime = runtime;
    }

    /**
     * The local home {@code home}; or, when the environment says {@code FLYWHEEL_MODE=aws}, the S3 bucket and
     * DynamoDB table it names (the catalogue of a deployed Flywheel, or an emulator's).
     */
    public static Workspace open(Path home) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(FlywheelConfig.HOME, home.toString());
        return open(FlywheelConfig.from(env));
    }

    public static Workspace open(FlywheelConfig config) {
        Clock clock = Clock.systemUTC();
        Stores stores = Stores.open(config, clock);
        LocalFunctions functions = PipelineFunctions.register(new LocalFunctions(), config, stores);
        return new Workspace(config, stores, new LocalRuntime(functions, stores.registries().executions(), clock,
                Sleeper.system()));
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
