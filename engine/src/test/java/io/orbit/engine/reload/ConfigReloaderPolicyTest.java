package io.orbit.engine.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.config.ReadPolicy;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reloader under the daemon's policies: a file refused for host access, size or ownership never reaches the
 * desired state; its service keeps the definition it had.
 */
class ConfigReloaderPolicyTest {

    private static final String WEB =
            "name: web\ninstance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image: nginx%s}]}\n";

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock();
    private final DesiredState desired = new DesiredState();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);

    private ConfigReloader reloader(ReadPolicy read, HostAccess hostAccess) {
        return new ConfigReloader(
                new ConfigDirectory(root, read),
                SpecValidator.DEFAULT_API_PORT,
                hostAccess,
                desired,
                queue,
                clock,
                ConfigReloader.Listener.NONE);
    }

    private Path write(String content) throws IOException {
        Path file = root.resolve("web.yml");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private String image() {
        return webContainer().image();
    }

    private boolean privileged() {
        return webContainer().privileged();
    }

    private ContainerDefinition webContainer() {
        return desired.service("web").orElseThrow().definition().containers().get(0);
    }

    @Test
    void anEditThatAddsHostAccessKeepsThePreviousDefinitionUnlessAllowed() throws IOException {
        ConfigReloader denied =
                reloader(new ReadPolicy(1024, false, ReadPolicy.FileAttributes.POSIX), HostAccess.denied());
        write(WEB.formatted(""));
        denied.reload();
        write(WEB.formatted(", privileged: true"));

        List<SpecProblem> problems = denied.reload();

        assertThat(problems)
                .singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("--allow-host-access"));
        assertThat(privileged()).isFalse();

        reloader(new ReadPolicy(1024, false, ReadPolicy.FileAttributes.POSIX), HostAccess.permitted())
                .reload();

        assertThat(privileged()).isTrue();
    }

    @Test
    void aFileThatGrowsOverTheLimitOrBecomesWritableByOthersKeepsThePreviousDefinition() throws IOException {
        ConfigReloader asRoot =
                reloader(new ReadPolicy(200, true, ReadPolicy.FileAttributes.POSIX), HostAccess.denied());
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        write(WEB.formatted(""));
        asRoot.reload();
        assertThat(image()).isEqualTo("nginx");

        write(WEB.formatted("") + "#".repeat(200));
        assertThat(asRoot.reload()).singleElement().asString().contains("over the limit of 200 bytes");
        assertThat(image()).isEqualTo("nginx");

        Path file = write(WEB.formatted("").replace("nginx", "evil"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(asRoot.reload()).singleElement().asString().contains("chmod go-w " + file.toRealPath());
        assertThat(image()).isEqualTo("nginx");
    }
}
