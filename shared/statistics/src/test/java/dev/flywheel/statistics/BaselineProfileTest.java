package dev.flywheel.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The same data gives the same profile, byte for byte, even when profiles are built at the same time. */
class BaselineProfileTest {

    private static BaselineProfile.FeatureProfile profile(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BaselineProfile.NumericBuilder b = new BaselineProfile.NumericBuilder();
        for (int i = 0; i < n; i++) {
            b.add(i % 97 == 0 ? Double.NaN : random.nextGaussian() * 3 + 10);
        }
        return b.build();
    }

    @Test
    void aSketchedProfileIsReproducible_evenWhileOthersAreBuiltConcurrently() throws Exception {
        BaselineProfile.FeatureProfile first = profile(200_000, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<BaselineProfile.FeatureProfile> noise = pool.submit(() -> profile(300_000, 2));
            Future<BaselineProfile.FeatureProfile> again = pool.submit(() -> profile(200_000, 1));
            Future<BaselineProfile.FeatureProfile> noise2 = pool.submit(() -> profile(100_000, 3));
            BaselineProfile.FeatureProfile second = again.get();
            noise.get();
            noise2.get();
            assertThat(second.sample()).as("above the exact limit only the sketch is kept").isNull();
            assertThat(second.kllSketch()).isEqualTo(first.kllSketch());
            assertThat(second.binEdges()).containsExactly(first.binEdges());
            assertThat(second.mean()).isEqualTo(first.mean());
            assertThat(second.std()).isEqualTo(first.std());
            assertThat(second.missingRate()).isEqualTo(first.missingRate());
        } finally {
            pool.shutdownNow();
        }
        assertThat(profile(200_000, 4).kllSketch()).as("other data, another sketch").isNotEqualTo(first.kllSketch());
    }

    @Test
    void aSmallProfileKeepsEveryValueSorted_andDecileBins() {
        BaselineProfile.FeatureProfile p = profile(5_000, 5);
        assertThat(p.sample()).hasSize(5_000 - (5_000 + 96) / 97).isSorted();
        assertThat(p.binEdges()).hasSize(BaselineProfile.BINS - 1).isSorted();
        assertThat(p.distribution().exact()).isTrue();
        assertThat(p.distribution().count()).isEqualTo(p.sample().length);
        assertThat(profile(5_000, 5).sample()).containsExactly(p.sample());
    }
}
