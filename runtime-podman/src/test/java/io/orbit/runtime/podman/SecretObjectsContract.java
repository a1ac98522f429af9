package io.orbit.runtime.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.SecretMount;
import io.orbit.runtime.SecretSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Secret objects on a real Podman (issue 17): created through the libpod secrets API, listed by name only, mounted
 * with {@code --secret} semantics (content, mode and owner per mount), kept when created again under the same name,
 * and removed (a second removal is no error).
 */
@Tag("container-engine")
abstract class SecretObjectsContract {

    private ContainerRuntime runtime;
    private String run;
    private final List<String> containers = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    abstract ContainerRuntime open();

    @BeforeEach
    void openRuntime() {
        runtime = open();
        run = HexFormat.of().toHexDigits(RandomGenerator.getDefault().nextInt()).substring(2);
    }

    @AfterEach
    void removeWhatTheTestMade() {
        containers.forEach(runtime::removeContainer);
        secrets.forEach(runtime::removeSecret);
        runtime.close();
    }

    private String secret(String purpose, String value) {
        String name = "orbit-test-" + run + "-" + purpose;
        runtime.createSecret(new SecretSpec(name, value.getBytes(StandardCharsets.UTF_8), Map.of()));
        secrets.add(name);
        return name;
    }

    @Test
    void aContainerReadsEachMountWithItsOwnerAndModeAndTheObjectsGoAway() {
        String value = "pw-" + run + "-Qz7";
        String shortForm = secret("short", value);
        String longForm = secret("long", value);
        assertThat(runtime.hasSecretObjects()).isTrue();
        assertThat(runtime.listSecrets()).contains(shortForm, longForm).noneMatch(name -> name.contains(value));
        // The same name again: kept as it is (names carry a digest of the value), no error.
        runtime.createSecret(new SecretSpec(shortForm, value.getBytes(StandardCharsets.UTF_8), Map.of()));

        String id = runtime.createContainer(
                ContainerSpec.builder("orbit-test-" + run + "-reader", "localhost/orbit-fixture:latest")
                        .command(List.of("sleep", "3600"))
                        .stopTimeout(Duration.ofSeconds(2))
                        .secret(new SecretMount(shortForm, "/run/secrets/db-password", 0, 0, 0444))
                        .secret(new SecretMount(longForm, "/etc/app/db", 1000, 1001, 0440))
                        .build());
        containers.add(id);
        runtime.startContainer(id);

        assertThat(exec(id, "cat", "/run/secrets/db-password")).isEqualTo(value);
        assertThat(exec(id, "stat", "-L", "-c", "%a %u %g", "/run/secrets/db-password"))
                .isEqualTo("444 0 0");
        assertThat(exec(id, "cat", "/etc/app/db")).isEqualTo(value);
        assertThat(exec(id, "stat", "-L", "-c", "%a %u %g", "/etc/app/db")).isEqualTo("440 1000 1001");
        assertThat(exec(id, "env")).doesNotContain(value);

        runtime.removeContainer(id);
        containers.remove(id);
        runtime.removeSecret(shortForm);
        runtime.removeSecret(longForm);
        assertThat(runtime.listSecrets()).doesNotContain(shortForm, longForm);
        runtime.removeSecret(shortForm); // gone already: no error
    }

    private String exec(String id, String... command) {
        ExecResult result = runtime.exec(id, List.of(command), Duration.ofSeconds(10));
        assertThat(result.exitCode())
                .as("%s: %s", String.join(" ", command), result.stderr())
                .isZero();
        return result.stdout().strip();
    }
}
