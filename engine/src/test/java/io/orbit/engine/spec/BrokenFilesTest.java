package io.orbit.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ServiceFileParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which service a broken file claims, so the reconciler can leave that service's pods alone. */
class BrokenFilesTest {

    private final ServiceFileParser parser = new ServiceFileParser();

    private BrokenFiles broken(String file, String yaml) {
        List<ParsedFile> files = List.of(parser.parse(Path.of(file), yaml));
        return BrokenFiles.of(
                files,
                SpecValidator.validate(files, SpecValidator.DEFAULT_API_PORT).problems());
    }

    @Test
    void malformedYamlClaimsItsTopLevelNameLine() {
        assertThat(broken("a.yml", "name: web\nspec: [\n").byService()).containsOnlyKeys("web");
        assertThat(broken("a.yml", "name: \"web\"  # the site\nspec: [\n").byService())
                .containsOnlyKeys("web");
        assertThat(broken("a.yml", "  name: nested\nspec: [\n").byService()).isEmpty();
    }

    @Test
    void schemaAndValidationErrorsClaimTheParsedName() {
        assertThat(broken("a.yml", "name: api\ninstance_count: 3\n").byService())
                .containsOnlyKeys("api");
        BrokenFiles invalid = broken(
                "a.yml",
                "name: api\ninstance_count: {min: 5, max: 1}\nspec: {containers: [{name: main, image: nginx}]}\n");
        assertThat(invalid.whyKept("api"))
                .hasValueSatisfying(why -> assertThat(why).contains("a.yml is broken"));
        assertThat(invalid.whyKept("other")).isEmpty();
    }

    @Test
    void aFileWithoutARecognisableNameKeepsEveryUndefinedService() {
        BrokenFiles unnamed = broken("junk.yml", "{{{\n");
        assertThat(unnamed.byService()).isEmpty();
        assertThat(unnamed.whyKept("anything"))
                .hasValueSatisfying(why -> assertThat(why).contains("junk.yml").contains("names no service"));
    }

    @Test
    void validFilesAndWarningsBreakNothing() {
        BrokenFiles fine = broken(
                "a.yml",
                "name: api\nbogus: 1\ninstance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image:"
                        + " nginx}]}\n");
        assertThat(fine.isEmpty()).isTrue();
        assertThat(fine.whyKept("api")).isEmpty();
    }
}
