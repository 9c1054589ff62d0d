package dev.flywheel.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.flywheel.domain.MlTask;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw rows into the XGBoost input through the fitted feature pipeline (one matrix for the whole batch: one
 * native call), and the raw scores into {@link Prediction}s.
 */
public final class FeatureTranslator implements NoBatchifyTranslator<FeatureRows, Predictions> {
    private final FittedPipeline pipeline;

    public FeatureTranslator(FittedPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, FeatureRows input) {
        int rows = input.rows().size();
        float[] matrix = pipeline.transform(input.rows());
        return new NDList(ctx.getNDManager().create(matrix, new Shape(rows, pipeline.width())));
    }

    @Override
    public Predictions processOutput(TranslatorContext ctx, NDList list) {
        NDArray output = list.singletonOrThrow();
        float[] scores = output.toFloatArray();
        return new Predictions(decode(pipeline, scores));
    }

    static List<Prediction> decode(FittedPipeline pipeline, float[] scores) {
        List<String> classes = pipeline.classes();
        List<Prediction> out = new ArrayList<>();
        if (pipeline.task() == MlTask.REGRESSION) {
            for (float s : scores) {
                out.add(new Prediction(null, null, (double) s));
            }
        } else if (pipeline.task() == MlTask.BINARY) {
            for (float s : scores) {
                Map<String, Double> p = new LinkedHashMap<>();
                p.put(classes.get(0), 1.0 - s);
                p.put(classes.get(1), (double) s);
                out.add(new Prediction(s >= 0.5f ? classes.get(1) : classes.get(0), p, null));
            }
        } else {
            int k = classes.size();
            for (int r = 0; r < scores.length / k; r++) {
                Map<String, Double> p = new LinkedHashMap<>();
                int best = 0;
                for (int c = 0; c < k; c++) {
                    p.put(classes.get(c), (double) scores[r * k + c]);
                    if (scores[r * k + c] > scores[r * k + best]) {
                        best = c;
                    }
                }
                out.add(new Prediction(classes.get(best), p, null));
            }
        }
        return out;
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }
}
