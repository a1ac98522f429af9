package io.orbit.engine.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reconcile.PodDrainer;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.Mount;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodVolumesTest {

    private static final ServiceFileParser PARSER = new ServiceFileParser();
    private static final String FILES_VOLUME = """
            volumes:
              config:
                files:
                  app.conf: "listen 8080\\n"
                  motd: hello
                permissions: "0640"
            """;
    private static final String MOUNT_CONFIG = "volume_mounts: [{name: config, mount_path: /etc/app}]";

    @TempDir
    Path volumeDirectory;

    private final ManualClock clock = new ManualClock(Instant.now());
    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));
    private PodVolumes volumes;

    @BeforeEach
    void createVolumes() {
        volumes = new PodVolumes(runtime, Ownership.DEFAULT, volumeDirectory, clock);
    }

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    /** A validated service {@code web} of one container {@code main} with these top-level and mount lines. */
    private static DesiredService service(String topLevel, String mounts) {
        String yaml = "name: web\ninstance_count: {min: 1, max: 2}\n" + topLevel + "\nspec:\n  containers:\n"
                + "    - name: main\n      image: " + FakeImage.fixture().reference() + "\n" + mounts.indent(6);
        ParsedFile parsed = PARSER.parse(Path.of("web.yml"), yaml);
        SpecValidator.Result result = SpecValidator.validate(List.of(parsed), SpecValidator.DEFAULT_API_PORT);
        assertThat(result.problems()).as("problems").noneMatch(SpecProblem::isError);
        return DesiredService.of(result.services().get(0));
    }

    private List<Mount> mounts(DesiredService service) {
        return volumes.mounts(service, service.definition().containers().get(0));
    }

    private static Path source(Mount mount) {
        return ((Mount.Bind) mount).source();
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static ServiceStatus status(DesiredService service, String... podHashes) {
        List<PodStatus> pods = new ArrayList<>();
        for (int i = 0; i < podHashes.length; i++) {
            ContainerStatus main = new ContainerStatus(
                    "id" + i,
                    "web__" + i,
                    "main",
                    "img",
                    ContainerState.RUNNING,
                    0,
                    Map.of(),
                    List.of(),
                    Optional.empty());
            pods.add(new PodStatus("pod" + i, i, podHashes[i], true, List.of(main), Optional.empty()));
        }
        return new ServiceStatus(service.name(), Optional.of(service), pods, Optional.empty(), 0, Instant.EPOCH);
    }

    @Test
    void writesInlineFilesWithTheirPermissionsAndMountsTheDirectoryReadOnly() throws IOException {
        DesiredService web = service(FILES_VOLUME, MOUNT_CONFIG);

        List<Mount> mounts = mounts(web);

        Path directory = volumeDirectory
                .resolve("files/default/web")
                .resolve(web.configHash())
                .resolve("config");
        assertThat(mounts).containsExactly(new Mount.Bind(directory, "/etc/app", true));
        assertThat(directory.resolve("app.conf")).hasContent("listen 8080");
        assertThat(directory.resolve("motd")).hasContent("hello");
        assertThat(permissions(directory.resolve("app.conf"))).isEqualTo("rw-r-----");
        assertThat(permissions(directory)).isEqualTo("rwxr-xr-x");
        assertThat(permissions(volumeDirectory.resolve("files/default")))
                .as("only the engine needs to reach the files")
                .isEqualTo("rwx------");
        try (Stream<Path> siblings = Files.list(directory.getParent())) {
            assertThat(siblings).as("no staging directory is left").containsExactly(directory);
        }
    }

    @Test
    void inlineFilesWithoutPermissionsAre0644WhateverTheUmask() throws IOException {
        DesiredService web = service("volumes: {config: {files: {a.txt: x}}}", MOUNT_CONFIG);

        Path directory = source(mounts(web).get(0));

        assertThat(permissions(directory.resolve("a.txt"))).isEqualTo("rw-r--r--");
    }

    @Test
    void subPathMountsOneFileOfTheVolume() {
        DesiredService web = service(
                FILES_VOLUME,
                "volume_mounts: [{name: config, mount_path: /etc/app.conf, sub_path: app.conf, read_only: false}]");

        Mount mount = mounts(web).get(0);

        assertThat(source(mount)).hasFileName("app.conf").hasContent("listen 8080");
        assertThat(mount.target()).isEqualTo("/etc/app.conf");
        assertThat(mount.readOnly()).isFalse();
    }

    @Test
    void aSecondPodOfTheSameVersionSharesTheFilesAndRepairsFilesChangedByHand() throws IOException {
        DesiredService web = service(FILES_VOLUME, MOUNT_CONFIG);
        Path directory = source(mounts(web).get(0));
        Files.writeString(directory.resolve("motd"), "tampered");
        Files.delete(directory.resolve("app.conf"));

        assertThat(source(mounts(web).get(0))).isEqualTo(directory);
        assertThat(directory.resolve("motd")).hasContent("hello");
        assertThat(directory.resolve("app.conf")).hasContent("listen 8080");
        assertThat(permissions(directory.resolve("motd"))).isEqualTo("rw-r-----");
    }

    @Test
    void editedContentGetsANewVersionWhileOldPodsKeepTheirsUntilNoneUsesIt() {
        DesiredService before = service(FILES_VOLUME, MOUNT_CONFIG);
        DesiredService after = service(FILES_VOLUME.replace("listen 8080", "listen 9090"), MOUNT_CONFIG);
        assertThat(after.configHash())
                .as("file content is part of the config hash")
                .isNotEqualTo(before.configHash());
        Path old = source(mounts(before).get(0));

        Path current = source(mounts(after).get(0));

        assertThat(current).isNotEqualTo(old);
        assertThat(current.resolve("app.conf")).hasContent("listen 9090");
        assertThat(old.resolve("app.conf"))
                .as("the old pods' files are untouched")
                .hasContent("listen 8080");

        clock.advance(PodVolumes.GRACE.plusSeconds(1));
        volumes.sweep(Map.of("web", status(after, before.configHash(), after.configHash())));
        assertThat(old).as("an old pod still runs").exists();

        volumes.sweep(Map.of("web", status(after, after.configHash())));
        assertThat(old.getParent()).as("no pod runs the old version").doesNotExist();
        assertThat(current).exists();
    }

    @Test
    void keepsTheFilesWhileTheServiceExistsEvenWithoutPods() {
        DesiredService web = service(FILES_VOLUME, MOUNT_CONFIG);
        Path directory = source(mounts(web).get(0));
        clock.advance(Duration.ofHours(1));

        volumes.sweep(Map.of("web", status(web)));

        assertThat(directory).as("a restarted pod finds the same directory").exists();
    }

    @Test
    void removesTheServiceFilesOnceTheServiceIsDeletedAndItsLastPodGone() {
        DesiredService web = service(FILES_VOLUME, MOUNT_CONFIG);
        mounts(web);
        volumes.sweep(Map.of("web", status(web, web.configHash())));

        volumes.sweep(Map.of());

        assertThat(volumeDirectory.resolve("files/default/web")).doesNotExist();
    }

    @Test
    void removesFilesOfAServiceUnknownSinceStartOnlyWhenTheEngineHasNoContainerOfIt() throws IOException {
        Path leftover = Files.createDirectories(volumeDirectory.resolve("files/default/gone/0123/config"));
        Path adopted = Files.createDirectories(volumeDirectory.resolve("files/default/adopted/4567/config"));
        runtime.createContainer(
                ContainerSpec.builder("adopted__1", FakeImage.fixture().reference())
                        .labels(Map.of(
                                OrbitLabels.MANAGED, "true",
                                OrbitLabels.INSTANCE, "default",
                                OrbitLabels.SERVICE, "adopted"))
                        .build());
        for (Path version : List.of(leftover.getParent(), adopted.getParent())) {
            Files.setLastModifiedTime(version, FileTime.from(clock.instant().minus(Duration.ofMinutes(5))));
        }

        volumes.sweep(Map.of());

        assertThat(volumeDirectory.resolve("files/default/gone")).doesNotExist();
        assertThat(adopted).as("its pods may be adopted").exists();
    }

    @Test
    void aVersionJustWrittenIsNotRemovedBeforeItsPodAppearsInTheStatus() {
        DesiredService before = service(FILES_VOLUME, MOUNT_CONFIG);
        DesiredService after = service(FILES_VOLUME.replace("hello", "bye"), MOUNT_CONFIG);
        Path starting = source(mounts(after).get(0));

        volumes.sweep(Map.of("web", status(before, before.configHash())));

        assertThat(starting).exists();
    }

    @Test
    void hostPathIsBoundWithItsReadOnlyFlagAndSubPath(@TempDir Path host) throws IOException {
        Files.writeString(host.resolve("site.conf"), "x");
        DesiredService web = service("volumes: {site: {host_path: " + host + "}}", """
                volume_mounts:
                  - {name: site, mount_path: /srv}
                  - {name: site, mount_path: /etc/site.conf, sub_path: site.conf, read_only: false}
                """);

        assertThat(mounts(web))
                .containsExactly(
                        new Mount.Bind(host, "/srv", true),
                        new Mount.Bind(host.resolve("site.conf"), "/etc/site.conf", false));
    }

    @Test
    void aMissingHostPathFailsThePodStartWithTheFix(@TempDir Path host) {
        DesiredService web = service(
                "volumes: {site: {host_path: " + host.resolve("missing") + "}}",
                "volume_mounts: [{name: site, mount_path: /srv}]");

        assertThatThrownBy(() -> mounts(web))
                .isInstanceOf(PodStartException.class)
                .hasMessageContaining("host path " + host.resolve("missing") + " of volume 'site' does not exist")
                .hasMessageContaining("web.yml");
    }

    @Test
    void createsANamedVolumeWithItsLabelsAndDriverOptionsAndMountsItByName() {
        DesiredService web = service("""
                volumes:
                  data:
                    named_volume:
                      name: web-data
                      labels: {team: shop}
                      driver_opts: {type: tmpfs, device: tmpfs}
                """, "volume_mounts: [{name: data, mount_path: /data, read_only: false}]");

        assertThat(mounts(web)).containsExactly(new Mount.Volume("web-data", "/data", false));
        VolumeDetails created = runtime.inspectVolume("web-data").orElseThrow();
        assertThat(created.labels()).containsEntry("team", "shop").containsEntry(OrbitLabels.INSTANCE, "default");
        assertThat(created.labels()).as("data is never swept").doesNotContainKey(OrbitLabels.MANAGED);
        assertThat(mounts(web)).as("an existing volume is used as it is").hasSize(1);
    }

    @Test
    void aFileIsReadableInThePodForItsWholeLifeAndDeletingTheServiceRemovesIt() {
        DesiredService web = service(FILES_VOLUME, MOUNT_CONFIG);
        StatusStore status = new StatusStore();
        status.onChange(() -> volumes.sweep(status.services()));
        try (ServicePass pass = io.orbit.engine.testing.TestPasses.pass(
                runtime, Ownership.DEFAULT, status, clock, PodDrainer.NONE, volumes)) {
            assertThat(pass.run("web", Optional.of(web), 0)).isTrue();
            ContainerSummary container =
                    runtime.listContainers(Ownership.DEFAULT.service("web")).get(0);
            clock.advance(Duration.ofHours(1));
            assertThat(pass.run("web", Optional.of(web), 0)).isTrue();

            ExecResult cat = runtime.exec(container.id(), List.of("cat", "/etc/app/app.conf"), Duration.ofSeconds(1));
            assertThat(cat.stdout()).isEqualTo("listen 8080\n");
            assertThat(volumes.usage(status.services().get("web")))
                    .singleElement()
                    .satisfies(usage -> {
                        assertThat(usage.kind()).isEqualTo(VolumeUsage.Kind.FILES);
                        assertThat(usage.containers()).isEqualTo(1);
                        assertThat(usage.usageBytes()).hasValue("listen 8080\nhello".length());
                        assertThat(usage.fileCount()).hasValue(2);
                        assertThat(usage.mountPaths()).containsExactly("/etc/app");
                    });

            assertThat(pass.run("web", Optional.empty(), 0)).isTrue();
        }
        assertThat(volumeDirectory.resolve("files/default/web")).doesNotExist();
    }
}
