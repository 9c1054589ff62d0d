package dev.flywheel.statemachines.local;

import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.HistoryEvent;
import dev.flywheel.domain.ExecutionEvent;
import dev.flywheel.registry.ExecutionRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Persists an execution's history as it happens, in batches: events go to the registry's
 * {@link ExecutionRegistry.HistoryWriter}, which writes a transaction whenever one is full; what is left is written
 * at least every {@link #FLUSH_EVERY}, before the execution waits for a task token, and at the end. A crash loses
 * at most the last {@link #FLUSH_EVERY} of history, where writing each event durably cost one fsync per event.
 */
final class PersistedHistory implements ExecutionListener, AutoCloseable {
    static final Duration FLUSH_EVERY = Duration.ofMillis(250);

    private final ExecutionRegistry.HistoryWriter writer;
    private final ExecutionListener next;
    private final ScheduledExecutorService flusher;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    /** @param next told of each event after it is buffered, e.g. the progress display */
    PersistedHistory(ExecutionRegistry.HistoryWriter writer, String executionId, ExecutionListener next) {
        this.writer = writer;
        this.next = next;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "history-" + executionId);
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushInBackground, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onEvent(HistoryEvent event) {
        rethrowBackgroundFailure();
        writer.append(new ExecutionEvent(event.id(), event.previousEventId(), event.type(), event.timestamp(),
                event.details()));
        next.onEvent(event);
    }

    /** Writes everything buffered now. */
    void flush() {
        rethrowBackgroundFailure();
        writer.flush();
    }

    /** Stops the background flushes and writes what is left. */
    @Override
    public void close() {
        flusher.shutdownNow();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private void flushInBackground() {
        try {
            writer.flush();
        } catch (RuntimeException e) {
            // Reported on the execution's own path, at its next event or flush: an error is thrown, not logged.
            failure.compareAndSet(null, e);
        }
    }

    private void rethrowBackgroundFailure() {
        RuntimeException e = failure.getAndSet(null);
        if (e != null) {
            throw e;
        }
    }
}
