package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigDirectoryTest {

    private static final String VALID =
            "name: %s\ninstance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image: nginx}]}\n";

    @TempDir
    Path root;

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private List<String> loadedFiles() {
        return new ConfigDirectory(root)
                .loadAll().stream().map(parsed -> parsed.file().toString()).toList();
    }

    @Test
    void readsNestedDirectoriesWhichOrbitsStartupLoadSkipped() throws IOException {
        write("web.yml", VALID.formatted("web"));
        write("team/api.yaml", VALID.formatted("api"));
        write("team/batch/worker.yml", VALID.formatted("worker"));

        assertThat(loadedFiles()).containsExactly("team/api.yaml", "team/batch/worker.yml", "web.yml");
    }

    @Test
    void returnsFilesInPathOrderWhateverTheFileSystemOrder() throws IOException {
        for (String name : List.of("zeta.yml", "alpha.yml", "mid.yaml", "b/a.yml", "a/z.yml")) {
            write(name, VALID.formatted("svc"));
        }

        assertThat(loadedFiles()).containsExactly("a/z.yml", "alpha.yml", "b/a.yml", "mid.yaml", "zeta.yml");
    }

    @Test
    void skipsHiddenEditorAndNonYamlFiles() throws IOException {
        write("web.yml", VALID.formatted("web"));
        for (String ignored : List.of(
                ".#web.yml",
                "web.yml~",
                ".web.yml.swp",
                "4913",
                "#web.yml#",
                "notes.txt",
                "README.md",
                "web.yml.bak",
                "WEB.YML",
                ".hidden/api.yml",
                "..data/api.yml")) {
            write(ignored, "not: [valid");
        }

        assertThat(loadedFiles()).containsExactly("web.yml");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "web.yml, true",
        "web.yaml, true",
        "team/web.yml, true",
        "/etc/orbit/web.yml, true",
        ".web.yml, false",
        ".#web.yml, false",
        "web.yml~, false",
        ".web.yml.swp, false",
        "4913, false",
        "web.yml.tmp, false",
        "web.YML, false",
        "web.json, false",
    })
    void recognisesServiceFilesByName(String path, boolean serviceFile) {
        assertThat(ConfigDirectory.isServiceFile(Path.of(path))).isEqualTo(serviceFile);
    }

    @Test
    void namesProblemsByThePathInsideTheDirectory() throws IOException {
        write("team/api.yml", "name: api\n");

        ParsedFile parsed = new ConfigDirectory(root).loadAll().get(0);

        assertThat(parsed.problems())
                .map(SpecProblem::toString)
                .containsExactly(
                        "team/api.yml: missing required field 'spec'",
                        "team/api.yml: missing required field 'instance_count'");
    }

    @Test
    void keepsAPathOutsideTheDirectoryAsGiven() {
        ConfigDirectory directory = new ConfigDirectory(root);

        assertThat(directory.displayPath(root.resolve("a/b.yml"))).isEqualTo(Path.of("a/b.yml"));
        assertThat(directory.displayPath(Path.of("/elsewhere/x.yml"))).isEqualTo(Path.of("/elsewhere/x.yml"));
    }

    @Test
    void reportsAFileThatIsNotUtf8AndGoesOnWithTheOthers() throws IOException {
        Files.write(root.resolve("latin1.yml"), "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        write("web.yml", VALID.formatted("web"));

        List<ParsedFile> parsed = new ConfigDirectory(root).loadAll();

        assertThat(parsed.get(0).problems())
                .map(SpecProblem::toString)
                .containsExactly("latin1.yml: is not valid UTF-8; save it as UTF-8");
        assertThat(parsed.get(1).spec()).isPresent();
    }

    @Test
    void acceptsAUtf8ByteOrderMark() throws IOException {
        write("web.yml", "\uFEFF" + VALID.formatted("web"));

        assertThat(new ConfigDirectory(root).loadAll().get(0).spec()).isPresent();
    }

    @Test
    void followsSymbolicLinksToFilesAndReportsBrokenOnes() throws IOException {
        write("real/web.yml", VALID.formatted("web"));
        Files.createSymbolicLink(root.resolve("linked.yml"), root.resolve("real/web.yml"));
        Files.createSymbolicLink(root.resolve("broken.yml"), root.resolve("missing.yml"));

        List<ParsedFile> parsed = new ConfigDirectory(root).loadAll();

        assertThat(parsed)
                .map(file -> file.file().toString())
                .containsExactly("broken.yml", "linked.yml", "real/web.yml");
        assertThat(parsed.get(0).problems())
                .map(SpecProblem::toString)
                .containsExactly("broken.yml: is a broken symbolic link; point it at a file or remove it");
        assertThat(parsed.get(1).spec()).isPresent();
    }

    @Test
    void warnsAboutASymbolicLinkLoopInsteadOfWalkingForever() throws IOException {
        write("team/web.yml", VALID.formatted("web"));
        Files.createSymbolicLink(root.resolve("team/again"), root.resolve("team"));

        List<ParsedFile> parsed = new ConfigDirectory(root).loadAll();

        assertThat(parsed)
                .flatMap(ParsedFile::problems)
                .map(SpecProblem::toString)
                .containsExactly(
                        "warning: team/again: symbolic link loop, skipped; remove the link or point it elsewhere");
    }

    @Test
    void failsWhenTheDirectoryDoesNotExist() {
        ConfigDirectory directory = new ConfigDirectory(root.resolve("nope"));

        assertThatThrownBy(directory::loadAll)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("config directory " + root.resolve("nope") + " does not exist");
    }
}
