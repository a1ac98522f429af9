package io.orbit.engine;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages follow its features and depend on each other one way only: a value type two packages share
 * lives in the package that owns its concept (desired state in {@code state}), never in whichever package used it
 * first. A cycle makes every package of it one knot that must be read, changed and tested together.
 */
class PackageCyclesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.orbit.engine");

    @Test
    void enginePackagesAreFreeOfCycles() {
        slices().matching("io.orbit.engine.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
