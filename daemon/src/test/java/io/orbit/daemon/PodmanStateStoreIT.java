package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, durable state, on rootful Podman with a real daemon: a SIGKILLed daemon comes back with its pins, its
 * crash-loop back-off and its journal numbers; a corrupt state file is set aside and the daemon starts; a full disk
 * under {@code --state-dir} never stops reconciling and shows in /healthz.
 */
@Tag("container-engine")
@ExtendWith(DaemonLogsOnFailure.class)
class PodmanStateStoreIT {

    private static final String TOKEN = "state-it-token";

    @TempDir
    Path work;

    private Path config;
    private Path state;
    private Path token;
    private EnginePods engine;
    private final String suffix = TestEngine.randomSuffix();
    private final Set<String> services = new LinkedHashSet<>();
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private Path mounted;

    @BeforeEach
    void open() throws IOException {
        engine = TestEngine.PODMAN.open();
        config = Files.createDirectory(work.resolve("services"));
        state = work.resolve("state"); // DaemonProcess's --state-dir: beside the config directory
        token = Files.writeString(work.resolve("token"), TOKEN + "\n");
    }

    @AfterEach
    void cleanUp() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (DaemonProcess daemon : daemons) {
            daemon.close();
        }
        services.forEach(service -> engine.removeEverythingOf(service, failures));
        engine.runtime().close();
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor();
        }
        assertThat(failures).as("cleanup").isEmpty();
    }

    @Test
    void aKilledDaemonKeepsItsPinsItsBackOffAndItsJournalNumbers() throws Exception {
        String pinned = service("pin");
        String looping = service("loop");
        ServiceFile.web(pinned).withInstances(1, 5).writeTo(config.resolve("pin.yml"));
        Files.writeString(config.resolve("loop.yml"), """
                name: %s
                instance_count: {min: 1, max: 1}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      command: ["sh", "-c", "exit 3"]
                """.formatted(looping));
        DaemonProcess first = start();
        HttpResponse<String> scaled = first.send(
                "POST", "/services/" + pinned + "/scale", "{\"replicas\": 3}", "Authorization", "Bearer " + TOKEN);
        assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
        awaitRunning(first, pinned, 3);
        Poll.until(
                "the looping service to enter CrashLoop",
                Duration.ofSeconds(90),
                () -> kinds(first, looping),
                kinds -> kinds.contains("crash-loop"),
                first::tail);
        Poll.until(
                "the pin and the crash loop on disk",
                Duration.ofSeconds(10),
                () -> read(state.resolve("scaling.json")) + read(state.resolve("restarts.json")),
                kept -> kept.contains("\"" + pinned + "\" : 3") && kept.contains("\"crash_loop\" : true"),
                first::tail);
        long lastBefore = lastSequence(first);
        Poll.until(
                "the journal on disk up to " + lastBefore,
                Duration.ofSeconds(10),
                () -> journalOnDisk(),
                lines -> lines.contains("\"seq\":" + lastBefore + ","),
                first::tail);
        int restartsBefore = count(first, looping, "container-restarted");

        first.kill(); // SIGKILL: no shutdown hook, no last write
        DaemonProcess second = start();

        JsonNode events = second.getJson("/events");
        assertThat(events.get(0).path("sequence").asLong())
                .as("the kept journal comes back")
                .isEqualTo(1);
        assertThat(StreamSupport.stream(events.spliterator(), false)
                        .filter(event -> event.path("sequence").asLong() > lastBefore)
                        .allMatch(event -> !event.path("kind").asText().isEmpty()))
                .isTrue();
        assertThat(count(second, looping, "container-restarted"))
                .as("the old entries keep their numbers")
                .isEqualTo(restartsBefore);
        // The pin holds over several resync passes: no scale-down to the minimum.
        Poll.holdsFor(
                "3 pods of the pinned service",
                Duration.ofSeconds(8),
                () -> engine.runningPods(pinned).size(),
                count -> count == 3,
                second::tail);
        // The crash loop's back-off is kept: no restart right after the daemon's (a fresh ledger restarts at once).
        assertThat(count(second, looping, "container-restarted"))
                .as("no restart of the crash-looping pod since the daemon restarted")
                .isEqualTo(restartsBefore);
        long newest = lastSequence(second);
        assertThat(newest).as("the journal continues").isGreaterThan(lastBefore);
    }

    @Test
    void aCorruptStateFileIsSetAsideAndTheDaemonStarts() throws Exception {
        String web = service("web");
        ServiceFile.web(web).withInstances(1, 3).writeTo(config.resolve("web.yml"));
        Files.createDirectories(state);
        Files.writeString(state.resolve("scaling.json"), "{\"format\":1,\"pins\":{\"" + web + "\":3");
        DaemonProcess daemon = start();
        awaitRunning(daemon, web, 1);
        JsonNode store = daemon.getJson("/healthz").path("state_store");
        assertThat(store.path("set_aside").toString()).contains("scaling.json.corrupt-");
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("scaling.json.corrupt-"));
        }
        assertThat(kinds(daemon, null)).contains("state-corrupt");
        Poll.holdsFor(
                "1 pod (the corrupt pin is not guessed at)",
                Duration.ofSeconds(6),
                () -> engine.runningPods(web).size(),
                count -> count == 1,
                daemon::tail);
    }

    @Test
    void aFullDiskNeverStopsReconcilingAndShowsInHealthz() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path tiny = Files.createDirectories(work.resolve("tiny"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", tiny.toString())
                .inheritIO()
                .start();
        assertThat(mount.waitFor()).as("mount -t tmpfs").isZero();
        mounted = tiny;
        String web = service("web");
        ServiceFile.web(web).withInstances(1, 3).writeTo(config.resolve("web.yml"));
        // the fault: the state directory and the volume directory on one tiny, then full, file system
        DaemonProcess daemon = start(
                "--state-dir",
                tiny.resolve("state").toString(),
                "--volume-dir",
                tiny.resolve("volumes").toString());
        awaitRunning(daemon, web, 1);
        assertThat(daemon.getJson("/healthz").path("state_store").path("ok").asBoolean())
                .isTrue();

        Path filler = tiny.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the tmpfs is full
        }
        HttpResponse<String> scaled = daemon.send(
                "POST", "/services/" + web + "/scale", "{\"replicas\": 2}", "Authorization", "Bearer " + TOKEN);
        assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
        awaitRunning(daemon, web, 2); // reconciling goes on
        JsonNode failing = Poll.until(
                "/healthz to show the state store failing",
                Duration.ofSeconds(15),
                () -> daemon.getJson("/healthz").path("state_store"),
                store -> !store.path("ok").asBoolean(true),
                daemon::tail);
        assertThat(failing.path("error").asText()).contains("cannot write the daemon's state");
        assertThat(daemon.get("/status")
                        .headers()
                        .firstValue("Orbit-State-Store")
                        .orElse(""))
                .startsWith("failing since");

        Files.delete(filler);
        Poll.until(
                "the state store to write again once space is free (retried with a back-off)",
                Duration.ofSeconds(45),
                () -> daemon.getJson("/healthz").path("state_store").path("ok").asBoolean(),
                ok -> ok,
                daemon::tail);
        assertThat(read(tiny.resolve("state/scaling.json"))).contains("\"" + web + "\" : 2");
    }

    private DaemonProcess start(String... extra) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--api-token", token.toString()));
        arguments.addAll(List.of(extra));
        DaemonProcess daemon =
                TestEngine.PODMAN.startDaemon(config, work.resolve("daemon-" + daemons.size() + ".log"), arguments);
        daemons.add(daemon);
        return daemon;
    }

    private String service(String role) {
        String name = "st-" + role + "-" + suffix;
        services.add(name);
        return name;
    }

    private void awaitRunning(DaemonProcess daemon, String service, int count) {
        Poll.until(
                count + " running pods of " + service,
                Duration.ofSeconds(60),
                () -> engine.runningPods(service).size(),
                running -> running == count,
                daemon::tail);
    }

    private static List<String> kinds(DaemonProcess daemon, String service) throws InterruptedException {
        return StreamSupport.stream(daemon.getJson("/events").spliterator(), false)
                .filter(event ->
                        service == null || event.path("service").asText().equals(service))
                .map(event -> event.path("kind").asText())
                .toList();
    }

    private static int count(DaemonProcess daemon, String service, String kind) throws InterruptedException {
        return (int) kinds(daemon, service).stream().filter(kind::equals).count();
    }

    private static long lastSequence(DaemonProcess daemon) throws InterruptedException {
        long last = 0;
        for (JsonNode event : daemon.getJson("/events")) {
            last = Math.max(last, event.path("sequence").asLong());
        }
        return last;
    }

    private String journalOnDisk() throws IOException {
        Path journal = state.resolve("journal");
        if (!Files.isDirectory(journal)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(journal)) {
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
