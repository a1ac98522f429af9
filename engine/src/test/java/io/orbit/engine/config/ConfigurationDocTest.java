package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key a service file accepts (HOUSE-STYLE §2.28). */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");

    @Test
    void mentionsEveryFieldOfEveryServiceFileRecord() throws IOException {
        String doc = Files.readString(DOC);

        List<String> undocumented = ServiceFileSchema.recordTypes().stream()
                .flatMap(type ->
                        ServiceFileSchema.fieldsOf(type).keySet().stream().map(key -> type.getSimpleName() + "." + key))
                .filter(field -> !doc.contains("`" + field.substring(field.indexOf('.') + 1) + "`"))
                .toList();

        assertThat(undocumented).as("fields missing from %s", DOC).isEmpty();
    }

    @Test
    void mentionsEveryEnumValue() throws IOException {
        String doc = Files.readString(DOC);

        List<String> undocumented = Stream.of(
                        ServiceSpec.PullPolicy.class,
                        ServiceSpec.MetricsStrategy.class,
                        io.orbit.engine.spec.ContainerTemplate.Protocol.class)
                .flatMap(type -> Arrays.stream(type.getEnumConstants()).map(Enum::name))
                .filter(value -> !doc.contains("`" + value + "`"))
                .toList();

        assertThat(undocumented).isEmpty();
    }
}
