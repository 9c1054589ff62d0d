package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Runs the child scopes of a Map state (its iterations) or a Parallel state (its branches): workers take the next
 * child by index until none is left or the children are cancelled, inline for one worker, else on the execution's
 * pool threads. A child's error cancels its siblings at their next state transition when the state says so; any
 * other exception cancels them and is thrown again once every worker is done.
 */
final class FanOut {
    private FanOut() {
    }

    /** Runs the child of one index in a scope cancelled by {@code cancellation}; returns its output. */
    @FunctionalInterface
    interface Child {
        JsonNode run(int index, Cancellation cancellation);
    }

    /** What the children gave, by index: an output, an error, or neither (not run, or cancelled). */
    static final class Results {
        final JsonNode[] outputs;
        final StatesException[] failures;

        Results(int n) {
            outputs = new JsonNode[n];
            failures = new StatesException[n];
        }

        /** The error that fails the state: the first by index, unless a later one is terminal and it is not. */
        StatesException failure() {
            StatesException failure = null;
            for (StatesException f : failures) {
                if (f != null && (failure == null || (f.terminal() && !failure.terminal()))) {
                    failure = f;
                }
            }
            return failure;
        }
    }

    /**
     * Runs {@code n} children on {@code workers} workers, then checks that the parent scope is still alive.
     *
     * @param cancelsSiblings whether a child's error cancels the children not yet done
     */
    static Results run(ExecutionRun execution, int n, int workers, Cancellation parent, Child child,
                       Predicate<StatesException> cancelsSiblings) {
        Cancellation cancellation = new Cancellation(parent);
        Results results = new Results(n);
        AtomicInteger nextIndex = new AtomicInteger();
        AtomicReference<RuntimeException> fatal = new AtomicReference<>();
        Runnable worker = () -> {
            while (!cancellation.isCancelled()) {
                int i = nextIndex.getAndIncrement();
                if (i >= n) {
                    return;
                }
                try {
                    results.outputs[i] = child.run(i, cancellation);
                } catch (StatesException e) {
                    results.failures[i] = e;
                    if (cancelsSiblings.test(e)) {
                        cancellation.cancel();
                    }
                } catch (ScopeCancelledException e) {
                    return;
                } catch (RuntimeException e) {
                    fatal.compareAndSet(null, e);
                    cancellation.cancel();
                    return;
                }
            }
        };
        runWorkers(execution, worker, workers);
        if (fatal.get() != null) {
            throw fatal.get();
        }
        execution.checkAlive(parent);
        return results;
    }

    /** Runs {@code workers} copies of a worker: inline for one, else on pool threads, waiting for all. */
    private static void runWorkers(ExecutionRun execution, Runnable worker, int workers) {
        if (workers <= 0) {
            return;
        }
        if (workers == 1) {
            worker.run();
            return;
        }
        List<Future<?>> futures = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            futures.add(execution.pool().submit(worker));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                execution.terminate();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for iterations");
            } catch (ExecutionException e) {
                throw ExecutionRun.rethrow(e.getCause());
            }
        }
    }
}
