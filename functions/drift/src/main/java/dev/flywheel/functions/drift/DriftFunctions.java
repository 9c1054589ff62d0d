package dev.flywheel.functions.drift;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.monitoring.DriftMonitor;
import dev.flywheel.store.aws.AwsStores;
import java.time.Clock;

/** What every handler of the drift function builds at cold start. */
final class DriftFunctions {
    private DriftFunctions() {
    }

    static DriftMonitor fromEnvironment() {
        FlywheelConfig config = FlywheelConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        return new DriftMonitor(AwsStores.open(config, clock), clock);
    }
}
