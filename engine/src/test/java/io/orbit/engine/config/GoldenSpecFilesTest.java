package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each directory under {@code specs/} is a config directory: {@code valid/} holds Orbit's example configs, each
 * {@code invalid/<case>/} a set of broken files. {@code expected.txt} holds every problem line the daemon would report
 * for the whole directory, in order; a file without error lines must yield a service, a file with one must not.
 */
class GoldenSpecFilesTest {

    static Stream<String> configDirectories() throws IOException {
        Path invalid = specs().resolve("invalid");
        try (Stream<Path> cases = Files.list(invalid)) {
            return Stream.concat(
                    Stream.of("valid"),
                    cases
                            .filter(Files::isDirectory)
                            .map(dir -> "invalid/" + dir.getFileName())
                            .sorted()
                            .toList()
                            .stream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configDirectories")
    void reportsExactlyTheExpectedProblems(String name) throws IOException {
        Path directory = specs().resolve(name);
        List<ParsedFile> files = new ConfigDirectory(directory).loadAll();

        // Orbit's examples (valid/) include a privileged container: they load with --allow-host-access. Host paths are
        // judged as written (no links followed, no sockets looked for), so the result does not depend on this host.
        HostAccess hostAccess = (name.equals("valid") ? HostAccess.permitted() : HostAccess.denied())
                .withHost(HostAccess.HostPaths.AS_WRITTEN);
        SpecValidator.Result result = SpecValidator.validate(files, SpecValidator.DEFAULT_API_PORT, hostAccess);

        List<String> actual =
                result.problems().stream().map(SpecProblem::toString).toList();
        Path expectedFile = directory.resolve("expected.txt");
        if (!Files.exists(expectedFile)) {
            fail("no expected.txt in " + name + "; the problems were:\n" + String.join("\n", actual));
        }
        List<String> expected = Files.readAllLines(expectedFile).stream()
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);

        Set<Path> filesWithErrors =
                result.errors().stream().map(SpecProblem::file).collect(Collectors.toSet());
        assertThat(result.services())
                .map(ServiceDefinition::file)
                .containsExactlyElementsOf(files.stream()
                        .map(ParsedFile::file)
                        .filter(file -> !filesWithErrors.contains(file))
                        .toList());
    }

    private static Path specs() {
        try {
            return Path.of(GoldenSpecFilesTest.class.getResource("/specs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
