package dev.flywheel.logging;

/**
 * How far a long step has come (rows read, boosting rounds), for whoever shows it: the CLI prints it on the
 * terminal while a step runs in-process; on Lambda nobody listens and a report costs a thread-local read. Set
 * per thread around a step's invocation, so that parallel steps (a Map's candidates) report separately.
 */
@FunctionalInterface
public interface WorkProgress {
    WorkProgress NONE = (what, done, total) -> { };

    /**
     * @param what  what is counted ("rows read", "boosting rounds")
     * @param done  how many so far
     * @param total how many in all, or -1 when unknown
     */
    void report(String what, long done, long total);

    /** The listener of the current thread (NONE when nobody listens). */
    static WorkProgress current() {
        return WorkProgressThreads.CURRENT.get();
    }

    /** Makes {@code listener} the current thread's until the returned scope is closed. */
    static Scope listen(WorkProgress listener) {
        WorkProgress previous = WorkProgressThreads.CURRENT.get();
        WorkProgressThreads.CURRENT.set(listener);
        return () -> WorkProgressThreads.CURRENT.set(previous);
    }

    /** Ends a {@link #listen} scope. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

/** The listener of each thread. */
final class WorkProgressThreads {
    static final ThreadLocal<WorkProgress> CURRENT = ThreadLocal.withInitial(() -> WorkProgress.NONE);

    private WorkProgressThreads() {
    }
}
