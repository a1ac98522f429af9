package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.VolumeDetails;
import io.orbit.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Volumes end to end on a real engine: a real daemon starts a service that mounts inline files (a directory and one
 * file through {@code sub_path}), a read-only host path and a named volume; the test reads them back through the
 * container ({@code exec cat}), edits a file (the pod rolls onto the new content, the named volume's data stays), then
 * deletes the service (its files go). Each engine runs it through a subclass.
 */
@Tag("container-engine")
abstract class VolumeContract extends DaemonScenario {

    private String service;
    private String namedVolume;

    VolumeContract(TestEngine testEngine) {
        super(testEngine, "volumes");
    }

    @BeforeEach
    void nameWhatTheTestCreates() {
        service = "it-vol-" + suffix;
        namedVolume = "orbit-it-data-" + suffix;
    }

    @Override
    List<String> services() {
        return List.of(service);
    }

    @Override
    void removeMore(List<Throwable> failures) {
        try {
            engine.runtime().removeVolume(namedVolume);
        } catch (NotFoundException neverCreated) {
            // the test failed before the daemon created it
        }
    }

    private String serviceFile(Path hostDirectory, String appConf) {
        return """
                name: %s
                instance_count: {min: 1, max: 2}
                volumes:
                  config:
                    files:
                      app.conf: "%s"
                      motd: "hello from orbit"
                    permissions: "0640"
                  site:
                    host_path: %s
                  data:
                    named_volume:
                      name: %s
                      labels: {orbit.it: "%s"}
                spec:
                  containers:
                    - name: main
                      image: %s
                      ports: [{port: 8080}]
                      volume_mounts:
                        - {name: config, mount_path: /etc/app}
                        - {name: config, mount_path: /etc/single.conf, sub_path: app.conf}
                        - {name: site, mount_path: /srv/site}
                        - {name: data, mount_path: /data, read_only: false}
                """.formatted(service, appConf, hostDirectory, namedVolume, suffix, ServiceFile.FIXTURE_IMAGE);
    }

    @Test
    void mountsInlineFilesHostPathsAndNamedVolumesAndRollsWhenAFileChanges() throws Exception {
        Path site = Files.createDirectory(workDirectory.resolve("site"));
        Files.writeString(site.resolve("index.html"), "from the host");
        Path file = configDirectory.resolve("vol.yml");
        ServiceFile.writeAtomically(file, serviceFile(site, "version 1"));
        DaemonProcess daemon = startDaemon();

        EnginePods.Pod first = awaitOneRunningPod(daemon, pod -> true);
        String container = first.container("main").id();
        assertThat(cat(container, "/etc/app/app.conf")).isEqualTo("version 1");
        assertThat(cat(container, "/etc/app/motd")).isEqualTo("hello from orbit");
        assertThat(cat(container, "/etc/single.conf"))
                .as("sub_path mounts one file")
                .isEqualTo("version 1");
        assertThat(exec(container, "stat", "-c", "%a", "/etc/app/app.conf")
                        .stdout()
                        .strip())
                .isEqualTo("640");
        assertThat(cat(container, "/srv/site/index.html")).isEqualTo("from the host");
        assertThat(exec(container, "sh", "-c", "echo x > /srv/site/written").succeeded())
                .as("host_path is read-only by default")
                .isFalse();
        assertThat(site.resolve("written")).doesNotExist();
        assertThat(exec(container, "sh", "-c", "echo kept > /data/keep").succeeded())
                .as("the named volume is writable (read_only: false)")
                .isTrue();
        VolumeDetails volume = engine.runtime().inspectVolume(namedVolume).orElseThrow();
        assertThat(volume.labels()).containsEntry("orbit.it", suffix);

        JsonNode status = Poll.until(
                "/status to show the service's volumes used by one container",
                () -> StatusJson.service(daemon.getJson("/status"), service),
                entry -> entry.path("volumes").size() == 3
                        && StreamSupport.stream(entry.path("volumes").spliterator(), false)
                                .allMatch(v -> v.path("containers").asInt() == 1),
                daemon::tail);
        assertThat(StreamSupport.stream(status.path("volumes").spliterator(), false)
                        .map(v -> v.path("name").asText() + "=" + v.path("kind").asText()))
                .containsExactlyInAnyOrder("config=files", "site=host_path", "data=named_volume");
        Poll.until(
                "orbit_volume_containers in /metrics",
                () -> daemon.get("/metrics").body(),
                metrics -> metrics.contains(
                        "orbit_volume_containers{kind=\"files\",service=\"" + service + "\",volume=\"config\"} 1.0"),
                daemon::tail);

        ServiceFile.writeAtomically(file, serviceFile(site, "version 2"));
        EnginePods.Pod second =
                awaitOneRunningPod(daemon, pod -> !pod.configHash().equals(first.configHash()));
        String replacement = second.container("main").id();
        assertThat(cat(replacement, "/etc/app/app.conf")).isEqualTo("version 2");
        assertThat(cat(replacement, "/etc/single.conf")).isEqualTo("version 2");
        assertThat(cat(replacement, "/data/keep"))
                .as("named volume data survives pod replacement")
                .isEqualTo("kept");

        Path serviceFiles =
                workDirectory.resolve("volumes/files").resolve(instance()).resolve(service);
        assertThat(serviceFiles).isDirectory();
        Files.delete(file);
        Poll.until(
                "the service's containers to be removed",
                () -> engine.containers(service),
                List::isEmpty,
                daemon::tail);
        Poll.until(
                "the service's inline files to be removed",
                () -> Files.exists(serviceFiles),
                exists -> !exists,
                daemon::tail);
        assertThat(engine.runtime().inspectVolume(namedVolume))
                .as("named volumes keep their data")
                .isPresent();
    }

    private EnginePods.Pod awaitOneRunningPod(DaemonProcess daemon, java.util.function.Predicate<EnginePods.Pod> which)
            throws Exception {
        return Poll.until(
                        "one running pod of " + service,
                        () -> engine.pods(service),
                        pods -> pods.size() == 1 && pods.get(0).isRunning() && which.test(pods.get(0)),
                        daemon::tail)
                .get(0);
    }

    private String cat(String container, String path) {
        ExecResult result = exec(container, "cat", path);
        assertThat(result.exitCode()).as("cat %s: %s", path, result.stderr()).isZero();
        return result.stdout().strip();
    }

    private ExecResult exec(String container, String... command) {
        return engine.runtime().exec(container, List.of(command), Duration.ofSeconds(10));
    }
}
