package io.orbit.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ServiceFileParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Host access: by default a service file that reaches into the host is an error naming the field and the fix; with
 * {@code --allow-host-access} a warning. Covers every way the format offers (privileged, host paths, driver_opts
 * devices, the host's network), symbolic links, engine sockets by any path, and the daemon's own directories.
 */
class HostAccessRulesTest {

    private static final ServiceFileParser PARSER = new ServiceFileParser();
    private static final String FIX = "remove it, or start the daemon with --allow-host-access";

    @TempDir
    Path work;

    private static ParsedFile parsed(String yaml) {
        ParsedFile parsed = PARSER.parse(Path.of("web.yml"), yaml);
        assertThat(parsed.problems()).noneMatch(SpecProblem::isError);
        return parsed;
    }

    private static String service(String top, String container) {
        return "name: web\ninstance_count: {min: 1, max: 1}\n" + top
                + "\nspec:\n  containers:\n    - name: main\n      image: nginx\n"
                + container.indent(6);
    }

    private static String withVolume(String volume) {
        return service("volumes:\n  v: " + volume, "volume_mounts: [{name: v, mount_path: /data}]");
    }

    private static SpecValidator.Result validate(String yaml, HostAccess policy) {
        return SpecValidator.validate(List.of(parsed(yaml)), SpecValidator.DEFAULT_API_PORT, policy);
    }

    private static List<String> lines(SpecValidator.Result result) {
        return result.problems().stream().map(SpecProblem::toString).toList();
    }

    private static final HostAccess DENIED = HostAccess.denied().withHost(HostAccess.HostPaths.AS_WRITTEN);
    private static final HostAccess ALLOWED = HostAccess.permitted().withHost(HostAccess.HostPaths.AS_WRITTEN);

    @Test
    void aPrivilegedContainerIsAnErrorNamingTheFieldAndTheFixAndItsServiceIsNotLoaded() {
        SpecValidator.Result result = validate(service("", "privileged: true"), DENIED);

        assertThat(lines(result))
                .containsExactly("web.yml: spec.containers[0].privileged: host access: a privileged container gets"
                        + " every device and capability of the host; " + FIX);
        assertThat(result.services()).isEmpty();
    }

    @Test
    void withAllowHostAccessEveryUseIsAWarningAndTheServiceLoads() {
        SpecValidator.Result result = validate(
                service("network: host\nvolumes:\n  sock: {host_path: /var/run/docker.sock}", "privileged: true"),
                ALLOWED);

        assertThat(result.errors()).isEmpty();
        assertThat(result.services())
                .singleElement()
                .satisfies(
                        web -> assertThat(web.containers().get(0).privileged()).isTrue());
        assertThat(lines(result))
                .containsExactly(
                        "warning: web.yml: network: host access allowed by --allow-host-access: 'host' shares the"
                                + " host's network namespace with the pods",
                        "warning: web.yml: spec.containers[0].privileged: host access allowed by --allow-host-access:"
                                + " a privileged container gets every device and capability of the host",
                        "warning: web.yml: volumes.sock.host_path: host access allowed by --allow-host-access:"
                                + " '/var/run/docker.sock' is a container engine's socket, which controls the host");
    }

    @Test
    void privilegedFalseAndOrdinaryHostPathsAndNetworksAreNotHostAccess() {
        SpecValidator.Result result = validate(
                service(
                        "network: shared\nvolumes:\n  data: {host_path: /srv/data}\n  opt: {host_path: /opt/app/conf}",
                        "privileged: false"),
                DENIED);

        assertThat(result.problems()).isEmpty();
        assertThat(result.services()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/",
                "//",
                "/etc",
                "/etc/",
                "/etc/shadow",
                "/srv/../etc",
                "/proc",
                "/proc/1/root",
                "/sys",
                "/dev",
                "/dev/sda",
                "/boot",
                "/root",
                "/run",
                "/run/user/1000",
                "/var/run",
                "/var",
                "/var/lib",
                "/var/lib/docker",
                "/var/lib/containers/storage",
                "/var/lib/orbit",
                "/usr/bin",
                "/lib/modules",
                "/var/run/docker.sock",
                "/run/podman/podman.sock",
                "/home/alice/.docker/run/docker.sock",
                "/srv/socks/PODMAN.SOCK",
                "/tmp/containerd.sock",
            })
    void everyHostSystemPathAndEngineSocketIsRefused(String hostPath) {
        SpecValidator.Result result = validate(withVolume("{host_path: \"" + hostPath + "\"}"), DENIED);

        assertThat(result.errors()).singleElement().satisfies(error -> {
            assertThat(error.fieldPath()).isEqualTo("volumes.v.host_path");
            assertThat(error.message())
                    .startsWith("host access: '" + hostPath + "'")
                    .endsWith(FIX);
        });
    }

    @Test
    void aDriverOptsDeviceIsJudgedAsAHostPathAndRemoteDevicesAreNot() {
        String yaml = service("""
                volumes:
                  bind-etc: {named_volume: {name: bind-etc, driver_opts: {type: none, o: bind, device: /etc}}}
                  disk: {named_volume: {name: disk, driver_opts: {type: ext4, device: /dev/nvme0n1p1}}}
                  data: {named_volume: {name: data, driver_opts: {type: none, o: bind, device: /srv/data}}}
                  nfs: {named_volume: {name: nfs, driver_opts: {type: nfs, o: "addr=10.0.0.1", device: ":/export"}}}
                """, "");

        assertThat(validate(yaml, DENIED).errors())
                .extracting(SpecProblem::fieldPath, SpecProblem::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "volumes.bind-etc.named_volume.driver_opts.device",
                                "host access: the volume driver mounts it: '/etc' is the host system path /etc; "
                                        + FIX),
                        org.assertj.core.groups.Tuple.tuple(
                                "volumes.disk.named_volume.driver_opts.device",
                                "host access: the volume driver mounts it: '/dev/nvme0n1p1' is the host system path"
                                        + " /dev; " + FIX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "container:3f2a", "ns:/proc/1/ns/net"})
    void theHostNetworkAndNamespaceModesAreRefused(String network) {
        SpecValidator.Result result = validate(service("network: \"" + network + "\"", ""), DENIED);

        assertThat(result.errors()).singleElement().satisfies(error -> {
            assertThat(error.fieldPath()).isEqualTo("network");
            assertThat(error.message()).contains("'" + network + "'").endsWith(FIX);
        });
    }

    @Test
    void aSubPathBelowAHarmlessHostPathIsJudgedWithIt() {
        String yaml = service(
                "volumes:\n  home: {host_path: /home/alice}",
                "volume_mounts:\n  - {name: home, mount_path: /sock, sub_path: .docker/run/docker.sock}\n"
                        + "  - {name: home, mount_path: /notes, sub_path: notes.txt}");

        assertThat(validate(yaml, DENIED).errors()).singleElement().satisfies(error -> {
            assertThat(error.fieldPath()).isEqualTo("spec.containers[0].volume_mounts[0].sub_path");
            assertThat(error.message())
                    .isEqualTo("host access: with host_path it mounts '/home/alice/.docker/run/docker.sock' is"
                            + " a container engine's socket, which controls the host; " + FIX);
        });
    }

    @Test
    void keysTheFormatDoesNotHaveGrantNothingAndAreOnlyWarnedAbout() {
        SpecValidator.Result result = validate(
                service("pid: host\nipc: host", "cap_add: [SYS_ADMIN]\ndevices: [/dev/kmsg]\nnetwork_mode: host"),
                DENIED);

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings())
                .extracting(SpecProblem::fieldPath)
                .containsExactlyInAnyOrder(
                        "pid",
                        "ipc",
                        "spec.containers[0].cap_add",
                        "spec.containers[0].devices",
                        "spec.containers[0].network_mode");
        assertThat(result.warnings())
                .allSatisfy(warning -> assertThat(warning.message()).startsWith("unknown field, ignored"));
    }

    @Test
    void aSymbolicLinkIsJudgedByWhereItLeads() throws IOException {
        Path link = Files.createSymbolicLink(work.resolve("innocent"), Path.of("/etc"));
        Path below = Files.createDirectories(work.resolve("ok"));

        SpecValidator.Result linked = validate(withVolume("{host_path: " + link + "}"), HostAccess.denied());
        SpecValidator.Result plain = validate(withVolume("{host_path: " + below + "}"), HostAccess.denied());

        assertThat(linked.errors())
                .singleElement()
                .satisfies(error -> assertThat(error.message())
                        .isEqualTo("host access: '" + link + "' (really /etc) is the host system path /etc; " + FIX));
        assertThat(plain.problems()).isEmpty();
    }

    @Test
    void aLinkThroughAFakeHostIsResolvedToo() {
        HostAccess.HostPaths host = new HostAccess.HostPaths() {
            @Override
            public Path realPath(Path absolute) {
                return absolute.startsWith("/srv/sock") ? Path.of("/run/docker.sock") : absolute;
            }

            @Override
            public Optional<Path> engineSocketIn(Path directory) {
                return Optional.empty();
            }
        };

        SpecValidator.Result result = validate(
                withVolume("{host_path: /srv/sock}"), HostAccess.denied().withHost(host));

        assertThat(result.errors())
                .singleElement()
                .satisfies(error -> assertThat(error.message())
                        .contains("'/srv/sock' (really /run/docker.sock) is a container engine's socket"));
    }

    @Test
    void aDirectoryHoldingAnEngineSocketDirectlyOrOneLevelDownIsRefused() throws IOException {
        Path direct = Files.createDirectories(work.resolve("engine"));
        Files.createFile(direct.resolve("podman.sock"));
        Path nested = Files.createDirectories(work.resolve("user/docker"));
        Files.createFile(nested.resolve("docker.sock"));
        Path deep = Files.createDirectories(work.resolve("deep/a/b"));
        Files.createFile(deep.resolve("docker.sock"));

        assertThat(validate(withVolume("{host_path: " + direct + "}"), HostAccess.denied())
                        .errors())
                .singleElement()
                .satisfies(error -> assertThat(error.message())
                        .contains("holds the container engine socket " + direct.resolve("podman.sock")));
        assertThat(validate(withVolume("{host_path: " + work.resolve("user") + "}"), HostAccess.denied())
                        .errors())
                .singleElement()
                .satisfies(error -> assertThat(error.message())
                        .contains(nested.resolve("docker.sock").toString()));
        assertThat(validate(withVolume("{host_path: " + work.resolve("deep") + "}"), HostAccess.denied())
                        .errors())
                .as("the search stops one level down: bounded, and engine sockets sit in their own directory")
                .isEmpty();
    }

    @Test
    void theDaemonsOwnDirectoriesAndSocketCannotBeMountedNorAnythingAboveThem() {
        HostAccess policy = DENIED.withProtectedPaths(
                List.of(Path.of("/srv/orbit/services"), Path.of("/srv/orbit/state"), Path.of("/srv/engine.socket")));

        for (String path : List.of(
                "/srv/orbit/services",
                "/srv/orbit/services/web.yml",
                "/srv/orbit",
                "/srv",
                "/srv/orbit/state",
                "/srv/engine.socket")) {
            assertThat(validate(withVolume("{host_path: " + path + "}"), policy).errors())
                    .as(path)
                    .singleElement()
                    .satisfies(error -> assertThat(error.message()).contains("exposes the daemon's own"));
        }
        assertThat(validate(withVolume("{host_path: /srv/orbit-data}"), policy).errors())
                .isEmpty();
    }

    @Test
    void usesListsEveryWayInForStatusAndDoctor() {
        ServiceSpec spec = parsed(service("network: host\nvolumes:\n  etc: {host_path: /etc}", "privileged: true"))
                .spec()
                .orElseThrow();

        assertThat(HostAccessRules.uses(spec, DENIED))
                .extracting(HostAccessRules.Use::fieldPath)
                .containsExactly("network", "volumes.etc.host_path", "spec.containers[0].privileged");
    }
}
