package io.orbit.engine.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.naming.Ownership;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerSecrets;
import io.orbit.engine.spec.SecretValue;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.Mount;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine without secret objects (Docker's case): files in a private directory, bind-mounted read-only. */
class PodSecretsTest {

    private static final String VALUE = "hunter2-pod-secret";

    @TempDir
    Path directory;

    private final InMemoryContainerRuntime runtime = InMemoryContainerRuntime.withFixtureImage();
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-12-05T12:00:00Z"));

    private static SecretValue value(String text, String digest) {
        return new SecretValue(text.getBytes(StandardCharsets.UTF_8), digest);
    }

    private static DesiredService serviceWith(ContainerSecrets secrets) {
        ServiceDefinition base = TestServices.service("api").definition();
        ContainerDefinition main = base.containers().getFirst();
        ContainerDefinition withSecrets = new ContainerDefinition(
                main.name(),
                main.image(),
                main.command(),
                main.env(),
                false,
                main.ports(),
                0,
                0,
                main.template(),
                secrets);
        return DesiredService.of(new ServiceDefinition(
                base.file(), base.spec(), List.of(withSecrets), 1, 1, Optional.empty(), base.imageCheckInterval()));
    }

    @Test
    void writesPrivateFilesBindsThemReadOnlyAndSetsVariables() throws Exception {
        ContainerSecrets secrets = new ContainerSecrets(
                Map.of("TOKEN", value("tok", "aaaa000011112222")),
                List.of(new ContainerSecrets.SecretFile(
                        "db-password",
                        Optional.of(value(VALUE, "bbbb000011112222")),
                        Optional.empty(),
                        "/run/secrets/db-password",
                        0,
                        0,
                        0440)));
        DesiredService service = serviceWith(secrets);
        PodSecrets podSecrets = new PodSecrets(runtime, new Ownership("test"), directory, clock);
        ContainerSpec.Builder builder = ContainerSpec.builder("c", "image");

        podSecrets.apply(service, service.definition().containers().getFirst(), builder);
        ContainerSpec spec = builder.build();

        assertThat(spec.env()).containsEntry("TOKEN", "tok");
        assertThat(spec.labels().get(PodSecrets.VERSIONS_LABEL))
                .isEqualTo("db-password=bbbb000011112222,env:TOKEN=aaaa000011112222");
        Mount.Bind bind = (Mount.Bind) spec.mounts().getFirst();
        assertThat(bind.readOnly()).isTrue();
        assertThat(bind.target()).isEqualTo("/run/secrets/db-password");
        assertThat(Files.readString(bind.source())).isEqualTo(VALUE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bind.source())))
                .isEqualTo("r--r-----");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(bind.source().getParent())))
                .isEqualTo("rwx------");
        assertThat(bind.source()).startsWith(podSecrets.filesRoot());
        assertThat(spec.toString()).doesNotContain(VALUE).doesNotContain("tok,");
    }

    @Test
    void anEngineSecretOnAnEngineWithoutObjectsFailsThePodStartWithTheReason() {
        ContainerSecrets secrets = new ContainerSecrets(
                Map.of(),
                List.of(new ContainerSecrets.SecretFile(
                        "tls", Optional.empty(), Optional.of("shop-tls"), "/run/secrets/tls", 0, 0, 0444)));
        DesiredService service = serviceWith(secrets);
        PodSecrets podSecrets = new PodSecrets(runtime, new Ownership("test"), directory, clock);

        assertThatThrownBy(() -> podSecrets.apply(
                        service, service.definition().containers().getFirst(), ContainerSpec.builder("c", "image")))
                .isInstanceOf(PodStartException.class)
                .hasMessageContaining("no secret objects outside swarm");
    }

    @Test
    void changedNamesWhatMovedAddedOrRemoved() {
        assertThat(PodSecrets.changed("a=1,b=2,env:X=3", "a=1,b=9,env:Y=3")).containsExactly("b", "env:X", "env:Y");
        assertThat(PodSecrets.changed("", "")).isEmpty();
    }
}
