package dev.flywheel.serving.online;

import dev.flywheel.store.ArtifactStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes captured instances in batches, off the response path. A request only appends to an in-memory buffer; a
 * batch is handed to one writer thread when it holds {@code batchRows} rows, when its oldest row is
 * {@code maxAge} old, or when the hour changes (batches never span hour partitions). When the writer falls behind
 * (more than {@link #MAX_PENDING} batches waiting) or a write fails, the batch is dropped and counted, never
 * retried on the request path: a capture never fails or delays a response.
 *
 * <p>On Lambda the writer thread runs while invocations run (the container is frozen between them), so batches
 * reach S3 during later invocations; what is still buffered when a container is reclaimed is lost, at most one
 * batch or {@code maxAge} per model (docs/serving.md says why this and not Firehose).
 */
public final class CaptureWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureWriter.class);
    static final int MAX_PENDING = 8;

    private final ArtifactStore store;
    private final Clock clock;
    private final int batchRows;
    private final long maxAgeMillis;
    private volatile String writerId = newWriterId();
    private final Map<String, Buffer> buffers = new HashMap<>();
    private final BlockingQueue<Batch> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final Thread thread;
    private final Object writing = new Object();
    private final java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
    private volatile boolean stopped;

    public CaptureWriter(ArtifactStore store, Clock clock, int batchRows, Duration maxAge) {
        this.store = store;
        this.clock = clock;
        this.batchRows = batchRows;
        this.maxAgeMillis = maxAge.toMillis();
        this.thread = new Thread(this::run, "flywheel-capture-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Appends rows; never throws and never blocks on I/O. */
    public void add(List<CaptureRecord> records) {
        if (stopped) {
            dropped.addAndGet(records.size());
            return;
        }
        List<Batch> full = new ArrayList<>(1);
        synchronized (buffers) {
            for (CaptureRecord record : records) {
                Buffer buffer = buffers.computeIfAbsent(record.model(), m -> new Buffer(m));
                String hour = CaptureKeys.hourPrefix(CaptureKeys.CAPTURES, record.model(), record.timestamp());
                if (!buffer.rows.isEmpty() && !hour.equals(buffer.hour)) {
                    full.add(buffer.detach());
                }
                if (buffer.rows.isEmpty()) {
                    buffer.hour = hour;
                    buffer.first = record.timestamp();
                    buffer.startedMillis = clock.millis();
                }
                buffer.rows.add(record);
                if (buffer.rows.size() >= batchRows) {
                    full.add(buffer.detach());
                }
            }
        }
        full.forEach(this::enqueue);
    }

    /** A new name part for this writer's batches: after a SnapStart restore, every copy needs its own. */
    public void renewWriterId() {
        writerId = newWriterId();
    }

    private static String newWriterId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Rows written to the store so far. */
    public long written() {
        return written.get();
    }

    /** Rows lost so far: the writer fell behind, a write failed, or the writer was closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Batch objects written so far. */
    public long batches() {
        return batches.get();
    }

    /** Writes everything buffered now, on the caller's thread (shutdown, before a SnapStart snapshot, tests). */
    public void flush() {
        List<Batch> all = new ArrayList<>();
        synchronized (buffers) {
            buffers.values().stream().filter(b -> !b.rows.isEmpty()).forEach(b -> all.add(b.detach()));
        }
        synchronized (writing) {
            pending.drainTo(all);
            all.forEach(this::write);
        }
    }

    @Override
    public void close() {
        flush();
        stopped = true;
        thread.interrupt();
    }

    private void enqueue(Batch batch) {
        if (pending.offer(batch)) {
            ready.release();
        } else {
            dropped.addAndGet(batch.rows.size());
            LOG.warn("capture writer is behind ({} batches waiting): dropped {} captured rows of model {}",
                    MAX_PENDING, batch.rows.size(), batch.model);
        }
    }

    private void run() {
        while (!stopped) {
            try {
                // A batch is taken and written under one lock, so that flush() sees every batch either waiting or
                // written, never in between.
                ready.tryAcquire(200, TimeUnit.MILLISECONDS);
                synchronized (writing) {
                    Batch batch = pending.poll();
                    if (batch != null) {
                        write(batch);
                    }
                }
                flushAged();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("capture writer: {}", e.toString());
            }
        }
    }

    private void flushAged() {
        long now = clock.millis();
        List<Batch> aged = new ArrayList<>();
        synchronized (buffers) {
            for (Buffer b : buffers.values()) {
                if (!b.rows.isEmpty() && now - b.startedMillis >= maxAgeMillis) {
                    aged.add(b.detach());
                }
            }
        }
        aged.forEach(this::enqueue);
    }

    private void write(Batch batch) {
        String key = CaptureKeys.batchKey(CaptureKeys.CAPTURES, batch.model, batch.first,
                writerId + "-" + batches.incrementAndGet());
        try {
            JsonLinesBatch.write(store, key, batch.rows);
            written.addAndGet(batch.rows.size());
        } catch (RuntimeException e) {
            dropped.addAndGet(batch.rows.size());
            LOG.warn("could not write {} captured rows of model {} to {}: {}", batch.rows.size(), batch.model, key,
                    e.getMessage());
        }
    }

    private record Batch(String model, Instant first, List<CaptureRecord> rows) {
    }

    private final class Buffer {
        final String model;
        List<CaptureRecord> rows = new ArrayList<>();
        String hour;
        Instant first;
        long startedMillis;

        Buffer(String model) {
            this.model = model;
        }

        Batch detach() {
            Batch batch = new Batch(model, first, rows);
            rows = new ArrayList<>();
            return batch;
        }
    }
}
