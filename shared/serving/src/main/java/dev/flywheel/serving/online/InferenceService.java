package dev.flywheel.serving.online;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.registry.ModelNotFoundException;
import dev.flywheel.serving.FittedPipeline;
import dev.flywheel.serving.Prediction;
import dev.flywheel.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online inference, whatever the protocol: the model a request selects, its instances checked and scored in one
 * batch call, a sample captured for monitoring, a share shadow-scored by the challenger, and feedback stored. The
 * Lambda handler and the local server are adapters over this class.
 */
public final class InferenceService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
    private static final int MAX_FEEDBACK = 1000;

    private final Stores stores;
    private final Clock clock;
    private final ServingConfig config;
    private final ServedModels models;
    private final CaptureWriter captures;
    private final CaptureLog log;
    private final ThreadPoolExecutor shadow;
    private final Random random = new Random();
    private final AtomicLong shadowDropped = new AtomicLong();
    private final Map<String, Long> noChallengerUntil = new ConcurrentHashMap<>();

    public InferenceService(Stores stores, Clock clock, ServingConfig config) {
        this.stores = stores;
        this.clock = clock;
        this.config = config;
        this.models = new ServedModels(stores, clock, Duration.ofSeconds(config.refreshSeconds()),
                Executors.newSingleThreadExecutor(daemon("flywheel-model-refresh")));
        this.captures = new CaptureWriter(stores.artifacts(), clock, config.captureBatchRows(),
                Duration.ofSeconds(config.captureMaxAgeSeconds()));
        this.log = new CaptureLog(stores.artifacts());
        this.shadow = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                daemon("flywheel-shadow"), (task, pool) -> {
                    throw new RejectedExecutionException();
                });
    }

    public ServingConfig config() {
        return config;
    }

    public ServedModels models() {
        return models;
    }

    public CaptureWriter captures() {
        return captures;
    }

    public long shadowDropped() {
        return shadowDropped.get();
    }

    /**
     * Scores a request.
     *
     * @param toRows turns the request into checked rows with the served version's {@link InstanceReader}
     * @throws InvalidInputException for a client's mistake, naming it
     * @throws ModelNotFoundException when the model, alias or version does not exist
     */
    public Scored predict(String model, ModelSelector selector, String requestId,
                          Function<InstanceReader, List<Map<String, Object>>> toRows) {
        try (ServedModel.Lease lease = models.acquire(model, selector)) {
            InstanceReader reader = lease.reader();
            List<Map<String, Object>> rows = toRows.apply(reader);
            InstanceReader.checkCount(rows.size(), config.maxInstances(), "instances");
            List<Prediction> predictions = lease.predictor().predictBatch(rows);
            Instant now = clock.instant();
            boolean captured = config.captureShare() > 0 && sample(config.captureShare());
            if (captured) {
                captures.add(records(requestId, now, lease.version(), lease.alias(), false, rows, predictions));
            }
            if (config.shadowShare() > 0 && ModelAlias.CHAMPION.equals(lease.alias())
                    && sample(config.shadowShare())) {
                shadow(model, requestId, now, rows);
            }
            return new Scored(lease.version(), lease.alias(), pipelineOf(lease), predictions, captured);
        }
    }

    /** The result of one request: which version answered, under which alias, and what it said. */
    public record Scored(ModelVersion version, String alias, FittedPipeline pipeline, List<Prediction> predictions,
                         boolean captured) {
    }

    /** What a model serves: the version, its package's pipeline and schema, and any problem with a newer one. */
    public record Described(ModelVersion version, String alias, FittedPipeline pipeline,
                            dev.flywheel.domain.Schema schema, List<String> features, String problem) {
    }

    public Described describe(String model, ModelSelector selector) {
        try (ServedModel.Lease lease = models.acquire(model, selector)) {
            String problem = lease.alias() == null ? null
                    : models.status(model, lease.alias()).map(ServedModels.AliasStatus::problem).orElse(null);
            return new Described(lease.version(), lease.alias(), pipelineOf(lease), lease.predictor().schema(),
                    lease.reader().featureNames(), problem);
        }
    }

    /**
     * Stores ground truth for served instances: one object {@code {"requestId", "index"?, "label" | "value"}} or
     * {@code {"feedback": [...]}}. Checked against the champion's task and classes.
     *
     * @return how many were stored
     */
    public int feedback(String model, JsonNode body) {
        JsonNode items = body.has("feedback") ? body.get("feedback") : body;
        List<JsonNode> list = new ArrayList<>();
        if (items.isArray()) {
            items.forEach(list::add);
        } else if (items.isObject()) {
            list.add(items);
        } else {
            throw new InvalidInputException("send {\"requestId\": ..., \"label\": ...} or {\"feedback\": [...]}");
        }
        if (list.isEmpty()) {
            throw new InvalidInputException("\"feedback\" is empty: send at least one item");
        }
        if (list.size() > MAX_FEEDBACK) {
            throw new InvalidInputException("the request has " + list.size() + " feedback items; the limit is "
                    + MAX_FEEDBACK + " per request");
        }
        FittedPipeline pipeline;
        try (ServedModel.Lease lease = models.acquire(model, ModelSelector.champion())) {
            pipeline = pipelineOf(lease);
        }
        Instant now = clock.instant();
        List<FeedbackRecord> records = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            records.add(feedbackItem(model, pipeline, list.get(i), list.size() == 1 ? "" : "feedback[" + i + "]: ",
                    now));
        }
        log.writeFeedback(model, records);
        return records.size();
    }

    private static FeedbackRecord feedbackItem(String model, FittedPipeline pipeline, JsonNode item, String where,
                                               Instant now) {
        if (!item.isObject()) {
            throw new InvalidInputException(where + "each feedback item must be an object, got "
                    + InstanceReader.kind(item));
        }
        JsonNode id = item.get("requestId");
        if (id == null || !id.isTextual() || id.textValue().isBlank() || id.textValue().length() > 128) {
            throw new InvalidInputException(where + "requestId must be the text a prediction's response gave "
                    + "(1 to 128 characters)");
        }
        JsonNode indexNode = item.get("index");
        int index = 0;
        if (indexNode != null && !indexNode.isNull()) {
            if (!indexNode.canConvertToInt() || !indexNode.isIntegralNumber() || indexNode.intValue() < 0) {
                throw new InvalidInputException(where + "index must be the instance's position in its request "
                        + "(0 or more), got " + InstanceReader.kind(indexNode));
            }
            index = indexNode.intValue();
        }
        if (pipeline.task() == MlTask.REGRESSION) {
            JsonNode value = item.get("value");
            if (value == null || !value.isNumber() || !Double.isFinite(value.doubleValue())) {
                throw new InvalidInputException(where + "value must be the true value, a finite number, got "
                        + InstanceReader.kind(value));
            }
            return new FeedbackRecord(id.textValue(), index, model, null, value.doubleValue(), now);
        }
        JsonNode label = item.get("label");
        if (label == null || !(label.isTextual() || label.isNumber() || label.isBoolean())) {
            throw new InvalidInputException(where + "label must be one of the model's classes " + pipeline.classes()
                    + ", got " + InstanceReader.kind(label));
        }
        String text = label.isNumber() ? dev.flywheel.data.Values.canonicalNumber(label.doubleValue())
                : label.asText().trim();
        if (!pipeline.classes().contains(text)) {
            throw new InvalidInputException(where + "label '" + text + "' is not one of the model's classes "
                    + pipeline.classes());
        }
        return new FeedbackRecord(id.textValue(), index, model, text, null, now);
    }

    /** At cold start: load and check the configured model's champion, so the first request finds it ready. */
    public void preload() {
        if (config.model() != null) {
            models.preload(config.model(), ModelAlias.CHAMPION);
        }
    }

    /**
     * Before a SnapStart snapshot: load the configured model and run predictions through it (JIT, the native
     * library, the feature pipeline), so the snapshot holds it warm; nothing buffered goes into the snapshot.
     */
    public void prime() {
        if (config.model() == null) {
            return;
        }
        preload();
        try (ServedModel.Lease lease = models.acquire(config.model(), ModelSelector.champion())) {
            Map<String, Object> typical = Primer.typicalRow(pipelineOf(lease));
            for (int i = 0; i < 200; i++) {
                lease.predictor().predictBatch(List.of(typical));
            }
            lease.predictor().predictBatch(java.util.Collections.nCopies(100, typical));
        }
        captures.flush();
    }

    /** After a SnapStart restore: new random state, new capture batch names, aliases checked again. */
    public void afterRestore() {
        random.setSeed(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));
        captures.renewWriterId();
        models.expireChecks();
    }

    private boolean sample(double share) {
        return share >= 1.0 || random.nextDouble() < share;
    }

    private void shadow(String model, String requestId, Instant at, List<Map<String, Object>> rows) {
        Long until = noChallengerUntil.get(model);
        if (until != null && System.nanoTime() < until) {
            return;
        }
        try {
            shadow.execute(() -> {
                try (ServedModel.Lease challenger = models.acquire(model, ModelSelector.alias(ModelAlias.CHALLENGER))) {
                    List<Prediction> predictions = challenger.predictor().predictBatch(rows);
                    captures.add(records(requestId, at, challenger.version(), challenger.alias(), true, rows,
                            predictions));
                } catch (ModelNotFoundException e) {
                    noChallengerUntil.put(model, System.nanoTime() + Duration.ofSeconds(
                            Math.max(1, config.refreshSeconds())).toNanos());
                } catch (RuntimeException e) {
                    shadowDropped.incrementAndGet();
                    LOG.warn("shadow scoring of request {} by the challenger of {} failed: {}", requestId, model,
                            e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            shadowDropped.incrementAndGet();
        }
    }

    private static List<CaptureRecord> records(String requestId, Instant at, ModelVersion version, String alias,
                                               boolean shadow, List<Map<String, Object>> rows,
                                               List<Prediction> predictions) {
        List<CaptureRecord> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(new CaptureRecord(requestId, i, at, version.name(), version.version(), alias, shadow, rows.get(i),
                    predictions.get(i)));
        }
        return out;
    }

    private static FittedPipeline pipelineOf(ServedModel.Lease lease) {
        return lease.predictor().pipeline();
    }

    @Override
    public void close() {
        shadow.shutdown();
        try {
            shadow.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        captures.close();
        models.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
