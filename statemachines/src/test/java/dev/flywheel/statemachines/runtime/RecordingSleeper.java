package dev.flywheel.statemachines.runtime;

import dev.flywheel.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records requested sleeps instead of sleeping, and moves a {@link MutableClock} forward by as much. */
final class RecordingSleeper implements Sleeper {
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final MutableClock clock;

    RecordingSleeper(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        if (clock != null) {
            clock.advance(duration);
        }
    }

    List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    List<Double> seconds() {
        return sleeps.stream().map(d -> d.toNanos() / 1e9).toList();
    }
}
