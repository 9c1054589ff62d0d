package dev.flywheel.training.preprocess;

import dev.flywheel.store.local.LocalStores;
import dev.flywheel.training.steps.FeatureSet;
import dev.flywheel.training.steps.PreprocessRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.training.DataValidationException;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.MlTask;
import dev.flywheel.training.ingest.DatasetFiles;
import dev.flywheel.training.steps.IngestRequest;
import dev.flywheel.training.ingest.IngestService;
import dev.flywheel.training.steps.TrainRequest;
import dev.flywheel.store.ArtifactIntegrityException;
import dev.flywheel.store.Stores;
import dev.flywheel.testing.SyntheticCsv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stable split, the class checks, and checkpoints that are checked when read and rebuilt when damaged. */
class PreprocessServiceTest {
    @TempDir
    Path tmp;
    private Stores stores;
    private IngestService ingest;
    private PreprocessService preprocess;

    @BeforeEach
    void open() {
        stores = open(tmp.resolve("home"));
        ingest = new IngestService(stores.artifacts(), stores.registries().datasets(), Clock.systemUTC());
        preprocess = new PreprocessService(stores.artifacts(), stores.registries().datasets());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private static Stores open(Path home) {
        return LocalStores.open(home, Clock.systemUTC());
    }

    private DatasetVersion ingestRows(String dataset, int rows) {
        Path csv = SyntheticCsv.write(tmp, dataset + "-" + rows + ".csv", MlTask.BINARY, rows, 7);
        return ingest.ingest(IngestRequest.of(dataset, csv.toUri().toString(), "target")).dataset();
    }

    private FeatureSet preprocess(String model, DatasetVersion dataset) {
        return preprocess.preprocess(new PreprocessRequest(model, new PreprocessRequest.DatasetRef(dataset.name(),
                dataset.version()), null, null)).features();
    }

    private Set<String> testRows(FeatureSet features) {
        Set<String> rows = new HashSet<>();
        for (String[] row : PreprocessService.readTestRows(stores.artifacts(), features).rows()) {
            rows.add(String.join(",", row));
        }
        return rows;
    }

    @Test
    void aRowInTheTestSetStaysThereWhenTheDatasetGrows() {
        FeatureSet small = preprocess("churn", ingestRows("churn", 2000));
        FeatureSet grown = preprocess("churn", ingestRows("churn", 4000));

        assertThat(grown.datasetVersion()).isEqualTo(2);
        Set<String> before = testRows(small);
        Set<String> after = testRows(grown);
        assertThat(after).containsAll(before);
        assertThat(after.size()).isGreaterThan(before.size());
        assertThat(grown.split()).isEqualTo(small.split());
    }

    @Test
    void theSplitIsSaltedByTheModelName() {
        DatasetVersion data = ingestRows("churn", 2000);

        assertThat(testRows(preprocess("model-a", data))).isNotEqualTo(testRows(preprocess("model-b", data)));
        assertThat(preprocess("model-a", data).split().salt()).isEqualTo("model-a");
    }

    @Test
    void aSplitSeedIsRefusedWithTheReason() {
        DatasetVersion data = ingestRows("churn", 300);

        assertThatThrownBy(() -> preprocess.preprocess(new PreprocessRequest("m", new PreprocessRequest.DatasetRef(
                data.name(), data.version()), null, new PreprocessRequest.SplitConfig(null, null, null, 7L))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("split.seed is no longer used");
    }

    @Test
    void aClassThatMissesValidationOrTest_isRefusedBeforeTraining() throws IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 400; i++) {
            csv.append(i).append(",no\n");
        }
        csv.append("400,yes\n");
        Path file = Files.writeString(tmp.resolve("one-yes.csv"), csv);
        DatasetVersion data = ingest.ingest(IngestRequest.of("one-yes", file.toUri().toString(), "y")).dataset();

        assertThatThrownBy(() -> preprocess("m", data)).isInstanceOf(DataValidationException.class)
                .hasMessageContaining("'yes' has 1 row:")
                .hasMessageContaining("each class needs about 29 rows");
        assertThat(stores.artifacts().list("features/")).isEmpty();
    }

    @Test
    void theSameDataGivesTheSameCheckpointByteForByte() throws IOException {
        DatasetVersion data = ingestRows("churn", 1500);
        FeatureSet first = preprocess("m", data);
        try (Stores other = open(tmp.resolve("other-home"))) {
            new IngestService(other.artifacts(), other.registries().datasets(), Clock.systemUTC())
                    .ingest(IngestRequest.of("churn", tmp.resolve("churn-1500.csv").toUri().toString(), "target"));
            FeatureSet second = new PreprocessService(other.artifacts(), other.registries().datasets())
                    .preprocess(new PreprocessRequest("m", new PreprocessRequest.DatasetRef("churn", 1), null, null))
                    .features();

            assertThat(second.prefix()).isEqualTo(first.prefix());
            assertThat(second.files()).isEqualTo(first.files());
        }
    }

    @Test
    void aDamagedManifest_isReportedAndRebuilt() {
        DatasetVersion data = ingestRows("churn", 500);
        FeatureSet first = preprocess("m", data);
        stores.artifacts().put(first.prefix() + Checkpoint.MANIFEST,
                new ByteArrayInputStream("garbage{".getBytes(StandardCharsets.UTF_8)));

        FeatureSet again = preprocess("m", data);

        assertThat(again.checkpointHit()).isFalse();
        assertThat(again.files()).isEqualTo(first.files());
        assertThat(again.warnings()).singleElement().asString().contains(first.prefix()).contains("damaged")
                .contains("cannot be read").contains("rebuilt");
        assertThat(preprocess("m", data).checkpointHit()).isTrue();
    }

    @Test
    void aDamagedCheckpointFile_failsTheStepThatReadsItByNameAndIsRebuiltNextTime() throws IOException {
        DatasetVersion data = ingestRows("churn", 500);
        FeatureSet features = preprocess("m", data);
        Path trainBin = tmp.resolve("home/artifacts").resolve(features.prefix() + Checkpoint.TRAIN);
        byte[] bytes = Files.readAllBytes(trainBin);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(trainBin, bytes);
        // what the train step does first: read the matrix through the checkpoint, checking its sha256
        assertThatThrownBy(() -> Checkpoint.read(stores.artifacts(), features, Checkpoint.TRAIN, MatrixFile::read))
                .isInstanceOf(ArtifactIntegrityException.class)
                .hasMessageContaining(features.prefix() + "train.bin")
                .hasMessageContaining("run the pipeline again to rebuild it");
        FeatureSet rebuilt = preprocess("m", data);
        assertThat(rebuilt.checkpointHit()).isFalse();
        assertThat(rebuilt.files()).isEqualTo(features.files());
    }

    @Test
    void aChangedDatasetFile_failsPreprocessingByNameAndAnIdenticalIngestRestoresIt() throws IOException {
        DatasetVersion data = ingestRows("churn", 500);
        Path file = tmp.resolve("home/artifacts").resolve(DatasetFiles.key(data, DatasetFiles.DATA));
        List<String> lines = Files.readAllLines(file);
        lines.set(5, lines.get(5).replaceFirst("^[^,]*", "9.99"));
        Files.write(file, lines);

        assertThatThrownBy(() -> preprocess("m", data)).isInstanceOf(ArtifactIntegrityException.class)
                .hasMessageContaining(DatasetFiles.key(data, DatasetFiles.DATA))
                .hasMessageContaining("Ingest the same source again");
        assertThat(stores.artifacts().list("features/")).noneMatch(k -> k.endsWith(Checkpoint.MANIFEST));

        var again = ingestRows("churn", 500);
        assertThat(again.version()).isEqualTo(data.version());
        assertThat(DatasetFiles.verify(stores.artifacts(), data)).contains(DatasetFiles.DATA);
        assertThat(preprocess("m", data).rows().train()).isPositive();
    }
}
