package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceFileSchemaTest {

    private static final List<String> CONTAINER_KEYS =
            List.copyOf(ServiceFileSchema.fieldsOf(ContainerTemplate.class).keySet());

    @Test
    void namesFieldsInSnakeCaseInDeclarationOrder() {
        assertThat(ServiceFileSchema.fieldsOf(ContainerTemplate.TcpCheck.class).keySet())
                .containsExactly("port", "timeout", "period", "failure_threshold");
        assertThat(ServiceFileSchema.fieldsOf(ServiceSpec.class))
                .containsKeys("instance_count", "image_check_interval");
    }

    @Test
    void reachesEveryRecordOfAServiceFile() {
        assertThat(ServiceFileSchema.recordTypes())
                .contains(
                        ServiceSpec.class,
                        ServiceSpec.PodSpec.class,
                        ServiceSpec.VolumeData.class,
                        ServiceSpec.NamedVolume.class,
                        ContainerTemplate.class,
                        ContainerTemplate.PortSpec.class,
                        ContainerTemplate.TcpCheck.class,
                        ContainerTemplate.HttpCheck.class,
                        ContainerTemplate.ExecCheck.class);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "imag, image",
        "iamge, image",
        "Image, image",
        "volumeMounts, volume_mounts",
        "VOLUME-MOUNTS, volume_mounts",
        "health_checks, health_check",
        "networklimit, network_limit",
        "memory, memory_limit",
        "cpu_limits, cpu_limit",
        "comand, command",
    })
    void suggestsTheFieldTheUserProbablyMeant(String typed, String suggestion) {
        assertThat(ServiceFileSchema.closest(typed, CONTAINER_KEYS)).contains(suggestion);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"restart", "entrypoint", "labels", "x", "cpu", "user"})
    void suggestsNothingForAKeyThatResemblesNoField(String typed) {
        assertThat(ServiceFileSchema.closest(typed, CONTAINER_KEYS)).isEmpty();
    }

    @ParameterizedTest(name = "{0} ↔ {1} = {2}")
    @CsvSource({"name, name, 0", "nmae, name, 1", "name, names, 1", "abc, xyz, 3", "'', abc, 3"})
    void countsATranspositionAsOneEdit(String a, String b, int distance) {
        assertThat(ServiceFileSchema.editDistance(a, b)).isEqualTo(distance);
    }

    /** Found by ConfigFuzzTest: a block of a hostile file came back whole, line breaks and all, into a problem. */
    @Test
    void quotesAValueBackOnOneLineAndAtMostSixtyCharacters() {
        assertThat(ServiceFileSchema.quoted("maybe")).isEqualTo("maybe");
        assertThat(ServiceFileSchema.quoted("block\ntext")).isEqualTo("block\\ntext");
        String block = "line\n".repeat(100);
        assertThat(ServiceFileSchema.quoted(block))
                .doesNotContain("\n")
                .startsWith("line\\nline")
                .endsWith("... (500 characters)")
                .hasSize(60 + "... (500 characters)".length());
    }
}
