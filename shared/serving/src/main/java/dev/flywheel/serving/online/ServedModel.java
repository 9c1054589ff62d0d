package dev.flywheel.serving.online;

import dev.flywheel.domain.ModelVersion;
import dev.flywheel.serving.DjlModelPredictor;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version, shared by the requests that use it. A request holds a {@link Lease} for its whole
 * duration, so a version swapped out by a promotion is closed only after its last request finished: a request is
 * never answered by two versions, nor fails because the version it started on went away.
 */
public final class ServedModel {
    private static final int CLOSED = -1;

    private final ModelVersion version;
    private final DjlModelPredictor predictor;
    private final Instant loadedAt;
    private final InstanceReader reader;
    private final AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;

    ServedModel(ModelVersion version, DjlModelPredictor predictor, Instant loadedAt) {
        this.version = version;
        this.predictor = predictor;
        this.loadedAt = loadedAt;
        this.reader = new InstanceReader(predictor.pipeline(), predictor.schema());
    }

    public ModelVersion version() {
        return version;
    }

    public DjlModelPredictor predictor() {
        return predictor;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** A lease, or null when the model was closed in between (the caller reads the current model again). */
    Lease tryAcquire(String alias) {
        while (true) {
            int n = leases.get();
            if (n == CLOSED) {
                return null;
            }
            if (leases.compareAndSet(n, n + 1)) {
                return new Lease(this, alias);
            }
        }
    }

    /** No new request will use it; it closes when the requests using it are done. */
    void retire() {
        retired = true;
        closeIfIdle();
    }

    boolean closed() {
        return leases.get() == CLOSED;
    }

    private void release() {
        if (leases.decrementAndGet() == 0 && retired) {
            closeIfIdle();
        }
    }

    private void closeIfIdle() {
        if (leases.compareAndSet(0, CLOSED)) {
            predictor.close();
        }
    }

    /**
     * The model a request uses, from start to end.
     *
     * @param alias the alias it was served under ({@code champion}, {@code challenger}), null for a pinned version
     */
    public record Lease(ServedModel model, String alias) implements AutoCloseable {
        public ModelVersion version() {
            return model.version;
        }

        public DjlModelPredictor predictor() {
            return model.predictor;
        }

        /** The checks of this version's inputs. */
        public InstanceReader reader() {
            return model.reader;
        }

        @Override
        public void close() {
            model.release();
        }
    }
}
