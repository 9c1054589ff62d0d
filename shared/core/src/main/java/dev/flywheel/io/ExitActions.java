package dev.flywheel.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this process must record if it is stopped while work is under way: on SIGTERM or SIGINT (Ctrl-C), and on any
 * other JVM exit that runs shutdown hooks (an OutOfMemoryError that ends the process), each registered action runs
 * once, so that an execution or a training run is recorded as aborted instead of staying RUNNING forever. Work that
 * ends normally unregisters its action. A process killed outright ({@code kill -9}) runs nothing: its work is told
 * apart later by its {@link dev.flywheel.domain.ProcessOwner}.
 */
public final class ExitActions {
    private static final Logger LOG = LoggerFactory.getLogger(ExitActions.class);
    private static final Map<Long, Action> ACTIONS = new LinkedHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static boolean hooked;

    private ExitActions() {
    }

    private record Action(String what, Runnable run) {
    }

    /** Registered work: close it when the work ends, so that nothing runs for it at exit. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code action} if the JVM exits before the returned registration is closed. */
    public static synchronized Registration register(String what, Runnable action) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitActions::runAll, "flywheel-exit-actions"));
            hooked = true;
        }
        long id = IDS.incrementAndGet();
        ACTIONS.put(id, new Action(what, action));
        return () -> {
            synchronized (ExitActions.class) {
                ACTIONS.remove(id);
            }
        };
    }

    /** Runs (and forgets) every registered action, the latest first; for the shutdown hook and for tests. */
    static void runAll() {
        List<Action> pending;
        synchronized (ExitActions.class) {
            pending = new ArrayList<>(ACTIONS.values());
            ACTIONS.clear();
        }
        for (int i = pending.size() - 1; i >= 0; i--) {
            Action action = pending.get(i);
            try {
                action.run().run();
            } catch (RuntimeException e) {
                LOG.warn("could not record interrupted work [what={}, reason={}]", action.what(), e.getMessage());
            }
        }
    }
}
