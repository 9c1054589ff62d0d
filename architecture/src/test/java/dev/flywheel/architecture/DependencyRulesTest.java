package dev.flywheel.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module graph as rules (see the README's dependency rules): the port knows no adapter, the ML modules know no
 * adapter, serving knows nothing of training, functions never reach into each other, and nothing in {@code shared/}
 * knows the CLI or the embedded runtime. Each rule reads the modules' compiled classes, tests included.
 */
class DependencyRulesTest {
    private static final String[] ADAPTERS = {"dev.flywheel.store.aws..", "dev.flywheel.store.local..",
            "software.amazon.awssdk..", "org.sqlite.."};
    private static final String[] ML = {"dev.flywheel.serving..", "dev.flywheel.training..", "dev.flywheel.xgboost..",
            "dev.flywheel.statistics..", "dev.flywheel.monitoring..", "org.apache.commons.statistics..",
            "ai.djl..", "ml.dmlc..", "org.apache.datasketches..", "org.apache.commons.csv.."};
    private static final String[] OUTSIDE_SHARED = {"dev.flywheel.cli..", "dev.flywheel.functions..",
            "dev.flywheel.statemachines..", "dev.flywheel.infra.."};
    private static final String[] OUTSIDE_RUNTIME = {"dev.flywheel.cli..", "dev.flywheel.functions..",
            "dev.flywheel.infra.."};
    private static final String[] SHARED = {"shared/core", "shared/testing", "shared/store-local", "shared/store-aws",
            "shared/statistics", "shared/serving", "shared/training", "shared/xgboost", "shared/monitoring"};

    @Test
    void coreImportsNoAdapterAndNoMlModule() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(concat(ADAPTERS, ML))
                .because("core holds the ports and records; adapters and ML build on it, never the reverse")
                .check(ModuleClasses.main("shared/core"));
    }

    @Test
    void mlModulesImportNoAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
                .because("the steps work on the ports; the process that starts them chooses the adapters")
                .check(ModuleClasses.main("shared/statistics", "shared/serving", "shared/training", "shared/xgboost",
                        "shared/monitoring"));
    }

    @Test
    void adaptersImportNoMlModule() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(ML)
                .check(ModuleClasses.main("shared/store-local", "shared/store-aws"));
    }

    @Test
    void servingImportsNothingOfTraining() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.flywheel.training..", "dev.flywheel.xgboost..", "ml.dmlc.xgboost4j.java.XGBoost")
                .because("the inference function ships without training code")
                .check(ModuleClasses.mainAndTest("shared/serving"));
    }

    @Test
    void theInferenceFunctionImportsNothingOfTraining() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.flywheel.training..", "dev.flywheel.xgboost..", "ml.dmlc..")
                .because("the inference jar carries serving only (its tests train models, in test scope)")
                .check(ModuleClasses.main("functions/inference"));
    }

    @Test
    void statisticsImportsNothingOfFlywheel() {
        noClasses().should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.flywheel..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("dev.flywheel.statistics.."))))
                .because("the statistics are a library of their own: sketches and tests, no stores, no models")
                .check(ModuleClasses.main("shared/statistics"));
    }

    @Test
    void monitoringImportsNothingOfTrainingNorAModelRuntime() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.flywheel.training..", "dev.flywheel.xgboost..", "ai.djl..", "ml.dmlc..")
                .because("the drift function reads captures and baselines; it never trains or predicts")
                .check(ModuleClasses.main("shared/monitoring", "functions/drift"));
    }

    @Test
    void trainingImportsNoTrainer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.flywheel.xgboost..", "ml.dmlc..")
                .because("only the train function carries the XGBoost trainer")
                .check(ModuleClasses.main("shared/training"));
    }

    @Test
    void functionsNeverImportEachOther() {
        slices().matching("dev.flywheel.functions.(*)..").should().notDependOnEachOther()
                .check(ModuleClasses.mainAndTest(ModuleClasses.functions().toArray(String[]::new)));
    }

    @Test
    void nothingInSharedImportsTheCliTheFunctionsOrTheRuntime() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(OUTSIDE_SHARED)
                .check(ModuleClasses.mainAndTest(SHARED));
    }

    @Test
    void theEmbeddedRuntimeKnowsOnlyCore() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(concat(concat(ADAPTERS, ML), OUTSIDE_RUNTIME))
                .because("the interpreter runs any definition; which functions a Task calls is the caller's wiring")
                .check(ModuleClasses.main("statemachines"));
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
