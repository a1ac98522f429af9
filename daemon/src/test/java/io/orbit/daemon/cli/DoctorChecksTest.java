package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.cli.DoctorChecks.Check;
import io.orbit.daemon.cli.DoctorChecks.Outcome;
import io.orbit.daemon.cli.DoctorChecks.PortState;
import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.http.EngineSocketDiscovery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorChecksTest {

    private static final EngineSocketDiscovery.Discovered ROOTFUL_PODMAN = new EngineSocketDiscovery.Discovered(
            Path.of("/run/podman/podman.sock"),
            "system socket",
            List.of(Path.of("/run/user/0/podman/podman.sock"), Path.of("/run/podman/podman.sock")));

    @TempDir
    Path directory;

    @Test
    void javaOlderThan21Fails() {
        assertThat(DoctorChecks.java(Runtime.Version.parse("21.0.5"), "Eclipse Adoptium", "/jdk")
                        .outcome())
                .isEqualTo(Outcome.OK);
        Check old = DoctorChecks.java(Runtime.Version.parse("17.0.2"), "Debian", "/usr/lib/jvm/java-17");
        assertThat(old.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(old.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("JDK 21+"));
    }

    @Test
    void theEngineSocketSaysWhereItLookedAndHowToStartTheEngine() {
        Check reached = DoctorChecks.engineSocket(
                DaemonOptions.Runtime.podman, ROOTFUL_PODMAN, Optional.of(info(false, 1, true)), Optional.empty());
        Check dead = DoctorChecks.engineSocket(
                DaemonOptions.Runtime.podman,
                ROOTFUL_PODMAN,
                Optional.empty(),
                Optional.of(
                        "cannot reach the container engine at unix:///run/podman/podman.sock: no such socket file"));

        assertThat(reached.outcome()).isEqualTo(Outcome.OK);
        assertThat(reached.detail())
                .contains("podman answers at /run/podman/podman.sock")
                .contains(
                        "--runtime-socket, $CONTAINER_HOST, then /run/user/0/podman/podman.sock, /run/podman/podman.sock");
        assertThat(dead.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(dead.fix())
                .hasValueSatisfying(fix ->
                        assertThat(fix).contains("podman system service --time=0 unix:///run/podman/podman.sock"));
    }

    @Test
    void dockerPermissionDeniedSuggestsTheDockerGroup() {
        Check denied = DoctorChecks.engineSocket(
                DaemonOptions.Runtime.docker,
                new EngineSocketDiscovery.Discovered(
                        Path.of("/var/run/docker.sock"), "system socket", List.of(Path.of("/var/run/docker.sock"))),
                Optional.empty(),
                Optional.of("cannot reach the container engine at unix:///var/run/docker.sock: permission denied"));

        assertThat(denied.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("usermod -aG docker"));
    }

    @Test
    void rootlessOnCgroupV1HasNoLimitsOrStatsAndSaysHowToGetThem() {
        Check rootless = DoctorChecks.limitsAndStats(info(true, 1, false));

        assertThat(rootless.outcome()).isEqualTo(Outcome.WARN);
        assertThat(rootless.detail())
                .startsWith("rootless podman on cgroup v1")
                .contains("not enforced")
                .contains("stats are unavailable");
        assertThat(rootless.fix())
                .hasValueSatisfying(fix -> assertThat(fix).contains("systemd.unified_cgroup_hierarchy=1"));
        assertThat(DoctorChecks.limitsAndStats(info(false, 1, true)).outcome()).isEqualTo(Outcome.OK);
        assertThat(DoctorChecks.engine(info(true, 1, false)).detail())
                .isEqualTo("podman 4.3.1 (API 4.0.0), rootless, cgroup v1");
    }

    @Test
    void theConfigDirectoryMustExistAndValidate() throws IOException {
        Path missing = directory.resolve("missing");
        assertThat(DoctorChecks.configDirectory(missing, Optional.empty()).fix())
                .hasValueSatisfying(fix -> assertThat(fix).contains("mkdir -p " + missing));

        Path services = Files.createDirectories(directory.resolve("services"));
        Files.writeString(services.resolve("bad.yml"), "name: bad\ninstance_count: {min: 3, max: 1}\n");
        Check invalid = DoctorChecks.configDirectory(services, Optional.of(validate(services)));
        assertThat(invalid.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(invalid.detail()).contains("bad.yml");
        assertThat(invalid.fix()).hasValue("orbit validate " + services + " lists every problem with its fix");

        Files.writeString(
                services.resolve("bad.yml"),
                "name: good\ninstance_count: {min: 1, max: 1}\nspec:\n  containers:\n    - name: main\n      image: localhost/orbit-fixture:latest\n");
        assertThat(DoctorChecks.configDirectory(services, Optional.of(validate(services)))
                        .detail())
                .endsWith("1 service(s) valid");
    }

    @Test
    void aBusyPortIsFineOnlyWhenOurDaemonHoldsIt() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", busy.getLocalPort());

            assertThat(DoctorChecks.probe(address)).isEqualTo(PortState.IN_USE);
            assertThat(DoctorChecks.apiAddress(address, PortState.IN_USE, Optional.empty())
                            .outcome())
                    .isEqualTo(Outcome.FAIL);
            assertThat(DoctorChecks.apiAddress(address, PortState.IN_USE, Optional.of("status ok"))
                            .outcome())
                    .isEqualTo(Outcome.OK);
        }
        assertThat(DoctorChecks.apiAddress(new InetSocketAddress("127.0.0.1", 4112), PortState.FREE, Optional.empty())
                        .detail())
                .isEqualTo("127.0.0.1:4112 is free");
    }

    @Test
    void nodePortsNameTheirServiceAndTheFix() {
        DoctorChecks.NodePort port = new DoctorChecks.NodePort(8080, "web", Path.of("web.yml"));

        assertThat(DoctorChecks.nodePort(port, PortState.FREE, false).outcome()).isEqualTo(Outcome.OK);
        assertThat(DoctorChecks.nodePort(port, PortState.IN_USE, true).outcome())
                .isEqualTo(Outcome.OK);
        Check taken = DoctorChecks.nodePort(port, PortState.IN_USE, false);
        assertThat(taken.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(taken.fix())
                .hasValueSatisfying(
                        fix -> assertThat(fix).contains("sport = :8080").contains("node_port in web.yml"));
        assertThat(DoctorChecks.nodePort(
                                new DoctorChecks.NodePort(80, "web", Path.of("web.yml")),
                                PortState.NOT_PERMITTED,
                                false)
                        .fix())
                .hasValueSatisfying(fix -> assertThat(fix).contains("ip_unprivileged_port_start=80"));
    }

    @Test
    void hostAccessIsOkWhileDeniedAndAWarningNamingEveryUseWhileAllowed() throws Exception {
        Path services = Files.createDirectories(directory.resolve("host-access"));
        Files.writeString(services.resolve("root.yml"), """
                name: root
                instance_count: {min: 1, max: 1}
                network: host
                spec: {containers: [{name: main, image: nginx, privileged: true}]}
                """);
        SpecValidator.Result allowed = SpecValidator.validate(
                new ConfigDirectory(services).loadAll(), 4112, io.orbit.engine.spec.HostAccess.permitted());

        Check off = DoctorChecks.hostAccess(false, Optional.of(allowed));
        Check on = DoctorChecks.hostAccess(true, Optional.of(allowed));

        assertThat(off.outcome()).isEqualTo(Outcome.OK);
        assertThat(off.detail()).startsWith("off:").contains("--allow-host-access");
        assertThat(on.outcome()).isEqualTo(Outcome.WARN);
        assertThat(on.detail())
                .startsWith("ON (--allow-host-access)")
                .endsWith("2 use(s) now: root.yml: network, root.yml: spec.containers[0].privileged");
        assertThat(on.fix()).hasValueSatisfying(fix -> assertThat(fix).startsWith("remove --allow-host-access"));
        assertThat(DoctorChecks.hostAccess(true, Optional.empty()).detail()).endsWith("No service uses it now");
    }

    private static SpecValidator.Result validate(Path services) {
        return SpecValidator.validate(new ConfigDirectory(services).loadAll(), 4112);
    }

    private static EngineInfo info(boolean rootless, int cgroupVersion, boolean full) {
        return new EngineInfo(
                "podman",
                "4.3.1",
                "4.0.0",
                rootless,
                cgroupVersion,
                full
                        ? EnumSet.of(EngineInfo.Capability.RESOURCE_LIMITS, EngineInfo.Capability.STATS)
                        : EnumSet.noneOf(EngineInfo.Capability.class),
                "unix:///run/podman/podman.sock");
    }
}
