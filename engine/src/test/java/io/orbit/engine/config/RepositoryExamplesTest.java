package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code examples/} (what the README and the demo point users at) load and validate together, as one
 * config directory, without a single error or warning: the examples can never rot unnoticed.
 */
class RepositoryExamplesTest {

    /** Relative to the module directory, where the tests run. */
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void everyExampleIsValidWithoutWarnings() {
        assertThat(EXAMPLES).isDirectory();
        ConfigDirectory directory = new ConfigDirectory(EXAMPLES);

        SpecValidator.Result result = SpecValidator.validate(directory.loadAll(), SpecValidator.DEFAULT_API_PORT);

        assertThat(result.errors()).as("errors in examples/").isEmpty();
        assertThat(result.warnings()).as("warnings in examples/").isEmpty();
        assertThat(directory.serviceFiles()).isNotEmpty();
        assertThat(result.services())
                .as("one service per example file")
                .extracting(ServiceDefinition::file)
                .containsExactlyElementsOf(directory.serviceFiles().stream()
                        .map(directory::displayPath)
                        .toList());
    }

    @Test
    void theExamplesDirectoryHoldsOnlyServiceFilesAndDocs() throws Exception {
        try (var files = Files.list(EXAMPLES)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("a misspelt extension (.yaml~, .yml.bak, .YML) would silently not be loaded")
                    .allMatch(name -> ConfigDirectory.isServiceFile(Path.of(name)) || name.endsWith(".md"));
        }
    }
}
