package dev.flywheel.statemachines.runtime;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/** Waits for Wait states and retry back-off; tests inject a fake that records the durations instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    /**
     * Waits for the given duration.
     *
     * @throws CancellationException when the waiting thread is interrupted (the interrupt flag is restored)
     */
    void sleep(Duration duration);

    /** The real thing: {@link Thread#sleep(long)}. */
    static Sleeper system() {
        return duration -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("sleep interrupted");
            }
        };
    }
}
