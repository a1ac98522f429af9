package io.orbit.runtime;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The build fails on an import cycle between the packages of this module's main code (target/classes): each package
 * below {@code io.orbit.runtime}, with its sub-packages, is one slice. The module's API package itself is no slice: its
 * {@code internal} package implements it and uses its types by design. The engine has a test of the same shape.
 */
class PackageCyclesTest {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.orbit.runtime.(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }
}
