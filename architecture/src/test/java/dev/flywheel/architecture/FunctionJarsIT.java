package dev.flywheel.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each function's Lambda jar carries (built in the package phase, hence an integration test): its own handler,
 * no other function, no CLI or embedded runtime, no SQLite or local store, and training code only in the function
 * that trains. Prints each jar's size and Flywheel packages.
 */
class FunctionJarsIT {
    /** The functions that train: the only ones that may carry the trainer. */
    private static final Set<String> TRAINS = Set.of("train");
    /** The functions that predict: the only ones that may carry DJL and XGBoost's natives. */
    private static final Set<String> PREDICTS = Set.of("train", "evaluate", "inference");
    /** The functions behind the API and the drift monitor: no ingest, preprocessing or evaluation code. */
    private static final Set<String> SERVES = Set.of("inference", "drift");
    private static final String OWN_XGBOOST4J_CLASS = "ml/dmlc/xgboost4j/java/DjlBoosterParameters";
    private static final String PLUGIN_CACHE = "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat";

    static List<String> functions() {
        return ModuleClasses.functions().stream().map(m -> m.substring("functions/".length())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void theJarCarriesOnlyWhatTheFunctionNeeds(String function) throws IOException {
        Path jar = lambdaJar(function);
        Set<String> packages = new TreeSet<>();
        Set<String> roots = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            // Flywheel's one class in xgboost4j's package (shared/serving; it needs xgboost4j's package-private JNI
            // class) comes along with shared/serving; it is not a model runtime and is never loaded without one.
            zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.startsWith(OWN_XGBOOST4J_CLASS)).forEach(n -> {
                int slash = n.lastIndexOf('/');
                String pkg = slash < 0 ? "" : n.substring(0, slash).replace('/', '.');
                if (pkg.startsWith("dev.flywheel")) {
                    packages.add(pkg);
                }
                String[] parts = pkg.split("\\.");
                roots.add(parts.length >= 2 ? parts[0] + "." + parts[1] : pkg);
            });
            System.out.printf("%-11s %5.1f MB  %s%n", function, Files.size(jar) / 1e6, packages);

            assertThat(packages).contains("dev.flywheel.functions." + function)
                    .noneMatch(p -> p.startsWith("dev.flywheel.functions.") && !p.startsWith("dev.flywheel.functions." + function))
                    .noneMatch(p -> p.startsWith("dev.flywheel.cli") || p.startsWith("dev.flywheel.statemachines"))
                    .noneMatch(p -> p.startsWith("dev.flywheel.store.local") || p.startsWith("dev.flywheel.testing"));
            assertThat(roots).as("no SQLite in a Lambda jar").noneMatch(r -> r.startsWith("org.sqlite"));
            if (!TRAINS.contains(function)) {
                assertThat(packages).as("training code in a function that does not train")
                        .noneMatch(p -> p.startsWith("dev.flywheel.xgboost"));
            }
            if (SERVES.contains(function)) {
                assertThat(packages).as("training code in the " + function + " jar")
                        .noneMatch(p -> p.startsWith("dev.flywheel.training"));
            }
            if (!PREDICTS.contains(function)) {
                assertThat(roots).as("a model runtime in a function that does not predict")
                        .noneMatch(r -> r.startsWith("ai.djl") || r.startsWith("ml.dmlc"));
            }
            ZipEntry cache = zip.getEntry(PLUGIN_CACHE);
            assertThat(cache).as("log4j plugin cache").isNotNull();
            try (InputStream in = zip.getInputStream(cache)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                        .as("the JSON log layout survives the merge of log4j's plugin caches")
                        .containsIgnoringCase("jsontemplatelayout");
            }
        }
    }

    private static Path lambdaJar(String function) throws IOException {
        Path target = ModuleClasses.ROOT.resolve("functions").resolve(function).resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-lambda.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Lambda jar in " + target + ": run mvn verify"));
        }
    }
}
