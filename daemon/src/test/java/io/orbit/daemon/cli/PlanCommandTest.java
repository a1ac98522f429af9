package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredService;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code orbit plan} against an in-memory runtime holding two pods of {@code web} (as a daemon left them): it agrees
 * with the daemon, also when web's file is broken.
 */
class PlanCommandTest {

    record Run(int exitCode, String out, String err) {}

    private final InMemoryContainerRuntime runtime =
            new InMemoryContainerRuntime(InstantSource.system(), List.of(FakeImage.fixture()));

    @TempDir
    Path work;

    @BeforeEach
    void twoPodsOfWebRunAsTheDaemonStartedThem() throws Exception {
        DesiredService web = DesiredService.of(SpecValidator.validate(
                        new ConfigDirectory(resource("plan/ok")).loadAll(), SpecValidator.DEFAULT_API_PORT)
                .services()
                .getFirst());
        for (int pod = 0; pod < 2; pod++) {
            UUID id = UUID.randomUUID();
            String container = runtime.createContainer(ContainerSpec.builder(
                            ContainerNames.container("web", pod, "main", id), "localhost/orbit-fixture:latest")
                    .labels(Map.of(
                            OrbitLabels.MANAGED, "true",
                            OrbitLabels.INSTANCE, "default",
                            OrbitLabels.SERVICE, "web",
                            OrbitLabels.POD, id.toString(),
                            OrbitLabels.POD_NUMBER, Integer.toString(pod),
                            OrbitLabels.CONTAINER, "main",
                            OrbitLabels.CONFIG_HASH, web.configHash(),
                            OrbitLabels.POD_SIZE, "1"))
                    .build());
            runtime.startContainer(container);
        }
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void withTheFileAsThePodsWereStartedNothingChanges() throws Exception {
        Run plan = plan("plan/ok");

        assertThat(plan.out()).isEqualTo("web (web.yml): 2 pod(s) wanted, 2 found\n0 change(s) planned\n");
        assertThat(plan.exitCode()).isZero();
    }

    @Test
    void aBrokenFileKeepsThePodsInsteadOfPlanningTheirRemoval() throws Exception {
        Run plan = plan("plan/broken");

        assertThat(plan.out())
                .startsWith("web.yml: ")
                .contains("invalid YAML")
                .contains("web: 2 pod(s) found, kept as they run (nothing removed or changed) because its file"
                        + " web.yml is broken (invalid YAML")
                .doesNotContain("- remove")
                .endsWith("0 change(s) planned\n");
        assertThat(plan.exitCode()).isZero();
        assertThat(runtime.listContainers(OrbitLabels.service("web")))
                .hasSize(2)
                .allMatch(container -> container.state().isRunning());
    }

    @Test
    void aServiceWhoseFileIsGoneIsRemoved() throws Exception {
        Run plan = plan("plan/other");

        assertThat(plan.out())
                .contains("api (api.yml): 0 pod(s) wanted, 0 found\n")
                .contains("web: 0 pod(s) wanted, 2 found\n")
                .contains("  - remove pod 0 (")
                .contains("  - remove pod 1 (")
                .endsWith("2 change(s) planned\n");
        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(runtime.listContainers(OrbitLabels.service("web")))
                .as("plan changes nothing")
                .extracting(ContainerSummary::id)
                .hasSize(2);
    }

    private Run plan(String directory) throws Exception {
        Path config = Files.writeString(work.resolve("orbit.yaml"), "");
        String[] arguments = {"plan", resource(directory).toString(), "--config-file", config.toString()};
        CommandLine cli = new CommandLine(new OrbitCommand());
        cli.addSubcommand("plan", new PlanCommand(options -> runtime));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setDefaultValueProvider(DaemonConfigFile.load(Optional.of(config), Map.of()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(arguments);
        return new Run(exitCode, out.toString(), err.toString());
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(PlanCommandTest.class.getResource("/cli/" + name).toURI());
    }
}
