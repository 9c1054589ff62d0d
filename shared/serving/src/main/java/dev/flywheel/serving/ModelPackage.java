package dev.flywheel.serving;

import dev.flywheel.config.FlywheelConfig;
import ai.djl.MalformedModelException;
import ai.djl.ml.xgboost.XgbSymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.flywheel.io.ScratchFolder;
import dev.flywheel.domain.Schema;
import dev.flywheel.json.Json;
import dev.flywheel.store.ArtifactStore;
import dev.flywheel.store.ArtifactIntegrityException;
import dev.flywheel.store.Hashing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import ml.dmlc.xgboost4j.java.DjlBoosterParameters;

/**
 * Loads a model package (see {@link PackageFiles}) through DJL: checks the package's sha256 (when given) and
 * every file against the manifest, then builds a DJL model on the XGBoost engine with a {@link FeatureTranslator}.
 * Used by evaluation and inference alike.
 */
public final class ModelPackage {
    private static final Object INIT = new Object();

    private ModelPackage() {
    }

    public static DjlModelPredictor load(ArtifactStore store, String uri) {
        return load(store, uri, null);
    }

    /** @param expectedSha256 the package's sha256 as registered, or null to skip that check */
    public static DjlModelPredictor load(ArtifactStore store, String uri, String expectedSha256) {
        configureDjl();
        String key = store.keyOf(uri);
        byte[] zip = ArtifactIo.bytes(store, key);
        // Messages name the file that was read: a moved or copied home reads its own copy, not the registered URI.
        Map<String, byte[]> files = PackageFiles.verify(store.uri(key), zip, expectedSha256);
        String sha = Hashing.sha256(zip);
        FittedPipeline pipeline = Json.read(PackageFiles.text(files, PackageFiles.PIPELINE), FittedPipeline.class);
        ModelMetadata metadata = Json.read(PackageFiles.text(files, PackageFiles.METADATA), ModelMetadata.class);
        Schema schema = Json.read(PackageFiles.text(files, PackageFiles.SCHEMA), Schema.class);
        Path dir = null;
        try {
            dir = ScratchFolder.createDirectory("model-");
            Files.write(dir.resolve(PackageFiles.MODEL), files.get(PackageFiles.MODEL));
            Criteria<FeatureRows, Predictions> criteria = Criteria.builder()
                    .setTypes(FeatureRows.class, Predictions.class)
                    .optModelPath(dir)
                    .optModelName("model")
                    .optEngine("XGBoost")
                    .optTranslator(new FeatureTranslator(pipeline))
                    .build();
            ZooModel<FeatureRows, Predictions> model = criteria.loadModel();
            // One thread per prediction call: with more, every call forks and joins an OpenMP team, and a 1-row call
            // stalls for milliseconds whenever another thread holds a core (flywheel bench inference: 16 ms instead
            // of 0.1 ms on a busy 2-core machine). The trees cost under 0.1 µs a row, so big batches lose little.
            try {
                DjlBoosterParameters.set((XgbSymbolBlock) model.getBlock(), "nthread", "1");
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            return new DjlModelPredictor(model, metadata, pipeline, schema, sha, dir);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            ScratchFolder.delete(dir);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot load model package " + uri + " through DJL: " + e.getMessage(), e);
        }
    }

    /** DJL must never download anything, and needs a writable cache folder (on Lambda only /tmp is). */
    static void configureDjl() {
        synchronized (INIT) {
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            if (System.getProperty("DJL_CACHE_DIR") == null && FlywheelConfig.environment("DJL_CACHE_DIR") == null) {
                System.setProperty("DJL_CACHE_DIR",
                        ScratchFolder.systemTemp().resolve("djl-cache").toString());
            }
            if (System.getProperty("ENGINE_CACHE_DIR") == null && FlywheelConfig.environment("ENGINE_CACHE_DIR") == null) {
                System.setProperty("ENGINE_CACHE_DIR",
                        ScratchFolder.systemTemp().resolve("djl-cache").toString());
            }
        }
    }

}
