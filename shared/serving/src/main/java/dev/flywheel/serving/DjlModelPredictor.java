package dev.flywheel.serving;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.flywheel.domain.Schema;
import dev.flywheel.io.ScratchFolder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded model package, served through DJL's XGBoost engine. Thread-safe (calls are serialized: a DJL
 * predictor is not); prefer {@link #predictBatch} for many rows, since per-call overhead dominates.
 */
public final class DjlModelPredictor implements AutoCloseable {
    private final ZooModel<FeatureRows, Predictions> model;
    private final Predictor<FeatureRows, Predictions> predictor;
    private final ModelMetadata metadata;
    private final FittedPipeline pipeline;
    private final Schema schema;
    private final String packageSha256;
    private final Path directory;

    DjlModelPredictor(ZooModel<FeatureRows, Predictions> model, ModelMetadata metadata, FittedPipeline pipeline,
                      Schema schema, String packageSha256, Path directory) {
        this.model = model;
        this.predictor = model.newPredictor();
        this.metadata = metadata;
        this.pipeline = pipeline;
        this.schema = schema;
        this.packageSha256 = packageSha256;
        this.directory = directory;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public FittedPipeline pipeline() {
        return pipeline;
    }

    /** The schema of the dataset the model was trained on: the input columns and their types. */
    public Schema schema() {
        return schema;
    }

    public String packageSha256() {
        return packageSha256;
    }

    public Prediction predict(Map<String, ?> row) {
        return predictBatch(List.of(row)).get(0);
    }

    public synchronized List<Prediction> predictBatch(List<? extends Map<String, ?>> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        try {
            return predictor.predict(new FeatureRows(rows)).predictions();
        } catch (TranslateException e) {
            throw new IllegalStateException("prediction failed for model " + metadata.model() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        predictor.close();
        model.close();
        ScratchFolder.delete(directory);
    }
}
