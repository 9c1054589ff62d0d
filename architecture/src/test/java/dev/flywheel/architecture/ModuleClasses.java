package dev.flywheel.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiled classes of named modules, read from their {@code target/} folders. This module runs last in the
 * reactor (it depends on every other), so those folders are built; the test classes are read too, so the rules
 * hold in test scope as well. A module with no compiled classes is an error, never an empty (passing) rule.
 */
final class ModuleClasses {
    /** The project root: Surefire runs a module's tests in the module's folder. */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    private ModuleClasses() {
    }

    static JavaClasses main(String... modules) {
        return load(false, modules);
    }

    static JavaClasses mainAndTest(String... modules) {
        return load(true, modules);
    }

    static List<String> functions() {
        try (var dirs = Files.list(ROOT.resolve("functions"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                    .map(d -> "functions/" + d.getFileName()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JavaClasses load(boolean withTests, String... modules) {
        List<Path> paths = new ArrayList<>();
        for (String module : modules) {
            Path main = ROOT.resolve(module).resolve("target/classes");
            if (!Files.isDirectory(main)) {
                throw new IllegalStateException(main + " is not built: run the rules from the reactor (mvn verify)");
            }
            paths.add(main);
            Path test = ROOT.resolve(module).resolve("target/test-classes");
            if (withTests && Files.isDirectory(test)) {
                paths.add(test);
            }
        }
        return new ClassFileImporter().importPaths(paths);
    }
}
