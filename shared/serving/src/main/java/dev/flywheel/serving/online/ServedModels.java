package dev.flywheel.serving.online;

import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.logging.LogContext;
import dev.flywheel.registry.ModelNotFoundException;
import dev.flywheel.registry.ModelRegistry;
import dev.flywheel.serving.DjlModelPredictor;
import dev.flywheel.serving.ModelPackage;
import dev.flywheel.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a serving process holds, loaded once and kept (never per request). An alias ({@code champion}) is
 * checked against the registry at most once per refresh period; when it moved, the new version is loaded off the
 * request path and swapped in atomically, while requests go on with the version they hold. A version that fails its
 * checks is never served: the previous one goes on answering, and {@link #status} says why.
 */
public final class ServedModels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModels.class);
    /** Pinned versions kept loaded at once (each holds a native booster). */
    static final int MAX_PINNED = 4;

    private final Stores stores;
    private final Clock clock;
    private final long refreshNanos;
    private final ExecutorService background;
    private final Map<String, AliasSlot> aliases = new ConcurrentHashMap<>();
    private final Map<String, ServedModel> pinned = new LinkedHashMap<>(16, 0.75f, true);
    private volatile boolean closed;

    /**
     * @param background runs alias checks and loads off the request path (one thread is enough); closed with this
     */
    public ServedModels(Stores stores, Clock clock, Duration refresh, ExecutorService background) {
        this.stores = stores;
        this.clock = clock;
        this.refreshNanos = refresh.toNanos();
        this.background = background;
    }

    /**
     * The model a request uses; the caller closes the lease when the request is done.
     *
     * @throws ModelNotFoundException when the model, the alias or the version does not exist
     * @throws dev.flywheel.store.ArtifactIntegrityException when the package fails its checks (nothing is served)
     */
    public ServedModel.Lease acquire(String model, ModelSelector selector) {
        if (closed) {
            throw new IllegalStateException("the serving process is shutting down");
        }
        return selector.pinned() ? acquirePinned(model, selector.version()) : acquireAlias(model, selector.alias());
    }

    private ServedModel.Lease acquireAlias(String model, String alias) {
        String key = model + "#" + alias;
        AliasSlot slot = aliases.computeIfAbsent(key, k -> new AliasSlot(model, alias));
        while (true) {
            ServedModel current = slot.current.get();
            if (current == null) {
                try {
                    current = slot.loadFirst();
                } catch (RuntimeException e) {
                    // Unknown names must not grow the map: only aliases that loaded keep a slot.
                    aliases.remove(key, slot);
                    throw e;
                }
            } else {
                long age = System.nanoTime() - slot.checkedAt;
                if (refreshNanos > 0 && age >= 2 * refreshNanos) {
                    // Idle for more than a period (or frozen, on Lambda): check now, on this request's path, so the
                    // first request after a quiet spell is not answered by a version demoted meanwhile.
                    slot.checkNow();
                    current = slot.current.get();
                } else if (age >= refreshNanos) {
                    slot.checkInBackground();
                }
            }
            ServedModel.Lease lease = current.tryAcquire(alias);
            if (lease != null) {
                return lease;
            }
        }
    }

    private ServedModel.Lease acquirePinned(String model, int version) {
        String key = model + "#" + version;
        while (true) {
            ServedModel served;
            synchronized (pinned) {
                served = pinned.get(key);
            }
            if (served == null) {
                ModelVersion registered = registry().get(model, version);
                ServedModel loaded = load(registered);
                synchronized (pinned) {
                    served = pinned.get(key);
                    if (served == null) {
                        pinned.put(key, loaded);
                        served = loaded;
                        evictPinned();
                    } else {
                        loaded.retire();
                    }
                }
            }
            ServedModel.Lease lease = served.tryAcquire(null);
            if (lease != null) {
                return lease;
            }
        }
    }

    private void evictPinned() {
        var it = pinned.entrySet().iterator();
        while (pinned.size() > MAX_PINNED && it.hasNext()) {
            ServedModel oldest = it.next().getValue();
            it.remove();
            oldest.retire();
        }
    }

    /** Loads the current version of an alias now (cold start, SnapStart priming); returns it. */
    public ModelVersion preload(String model, String alias) {
        try (ServedModel.Lease lease = acquire(model, ModelSelector.alias(alias))) {
            return lease.version();
        }
    }

    /** Every loaded alias is checked again on its next request (after a SnapStart restore: time moved on). */
    public void expireChecks() {
        aliases.values().forEach(slot -> slot.checkedAt = System.nanoTime() - refreshNanos);
    }

    /** What is served for an alias: the version, when it was checked, and why a newer one is not served. */
    public Optional<AliasStatus> status(String model, String alias) {
        AliasSlot slot = aliases.get(model + "#" + alias);
        if (slot == null || slot.current.get() == null) {
            return Optional.empty();
        }
        return Optional.of(new AliasStatus(slot.current.get().version().version(), slot.problem));
    }

    /** @param problem why the version the registry names is not the one served, or null */
    public record AliasStatus(int servedVersion, String problem) {
    }

    /** The models loaded now, alias or pinned, by key ({@code credit-risk#champion}, {@code credit-risk#3}). */
    public Map<String, Integer> loaded() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        aliases.forEach((k, slot) -> {
            ServedModel m = slot.current.get();
            if (m != null) {
                out.put(k, m.version().version());
            }
        });
        synchronized (pinned) {
            pinned.forEach((k, m) -> out.put(k, m.version().version()));
        }
        return out;
    }

    public boolean isLoaded(String model) {
        return aliases.containsKey(model + "#" + ModelAlias.CHAMPION)
                && aliases.get(model + "#" + ModelAlias.CHAMPION).current.get() != null;
    }

    private ModelRegistry registry() {
        return stores.registries().models();
    }

    private ServedModel load(ModelVersion version) {
        try (LogContext ignored = LogContext.with(LogContext.MODEL, version.name(), "version", version.version())) {
            long start = System.nanoTime();
            DjlModelPredictor predictor = ModelPackage.load(stores.artifacts(), version.artifactUri(),
                    version.artifactSha256());
            LOG.info("loaded model {} v{} in {} ms", version.name(), version.version(),
                    (System.nanoTime() - start) / 1_000_000);
            return new ServedModel(version, predictor, clock.instant());
        }
    }

    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        aliases.values().forEach(slot -> {
            ServedModel m = slot.current.getAndSet(null);
            if (m != null) {
                m.retire();
            }
        });
        synchronized (pinned) {
            pinned.values().forEach(ServedModel::retire);
            pinned.clear();
        }
    }

    /** One alias of one model: the version served now, and when the registry was last asked. */
    private final class AliasSlot {
        final String model;
        final String alias;
        final AtomicReference<ServedModel> current = new AtomicReference<>();
        final AtomicBoolean checking = new AtomicBoolean();
        volatile long checkedAt;
        volatile String problem;

        AliasSlot(String model, String alias) {
            this.model = model;
            this.alias = alias;
        }

        /** The first request for an alias loads it on its own path: there is nothing else to answer with. */
        synchronized ServedModel loadFirst() {
            ServedModel existing = current.get();
            if (existing != null) {
                return existing;
            }
            if (registry().alias(model, alias).isEmpty() && registry().latest(model).isEmpty()) {
                throw new ModelNotFoundException("there is no model '" + model + "'");
            }
            ServedModel loaded = load(registry().resolve(model, alias));
            checkedAt = System.nanoTime();
            current.set(loaded);
            return loaded;
        }

        void checkNow() {
            if (checking.compareAndSet(false, true)) {
                check();
            }
        }

        void checkInBackground() {
            if (!checking.compareAndSet(false, true)) {
                return;
            }
            try {
                background.execute(this::check);
            } catch (RejectedExecutionException e) {
                checking.set(false);
            }
        }

        private void check() {
            try {
                ServedModel served = current.get();
                Optional<ModelAlias> now = registry().alias(model, alias);
                if (served == null || now.isEmpty() || now.get().version() == served.version().version()) {
                    problem = now.isEmpty() && served != null ? "the registry has no alias '" + alias
                            + "' any more; v" + served.version().version() + " goes on serving" : null;
                    return;
                }
                ModelVersion next = registry().get(model, now.get().version());
                ServedModel loaded = load(next);
                ServedModel previous = current.getAndSet(loaded);
                problem = null;
                LOG.info("model {} alias {} now serves v{} (was v{})", model, alias, next.version(),
                        previous == null ? null : previous.version().version());
                if (previous != null) {
                    previous.retire();
                }
                if (closed) {
                    loaded.retire();
                }
            } catch (RuntimeException e) {
                // Fail closed: the version the registry names is not served until it loads and passes its checks.
                // Said to API clients: no paths, keys or hashes (the log line below has them).
                problem = "the registry's " + alias + (e instanceof dev.flywheel.store.ArtifactIntegrityException
                        || e instanceof dev.flywheel.store.ArtifactNotFoundException
                        ? " is a version whose package is missing or failed its integrity checks"
                        : " could not be loaded") + "; the version loaded before goes on serving (the operator's "
                        + "log has the details)";
                LOG.error("model {} alias {}: {}; the version loaded before goes on serving", model, alias,
                        e.getMessage());
            } finally {
                checkedAt = System.nanoTime();
                checking.set(false);
            }
        }
    }
}
