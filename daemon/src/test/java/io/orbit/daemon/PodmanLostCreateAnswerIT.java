package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import io.orbit.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create whose answer is lost: a relay in front of rootful Podman's socket forwards the daemon's first {@code POST
 * …/containers/create} to the engine (which makes the container) and closes the daemon's connection before the answer.
 * The daemon never hears the container's id, yet it never runs more than {@code max} pods: its next pass finds the
 * container by its labels and adopts or removes it, and no slot is ever filled twice.
 */
@Tag("container-engine")
class PodmanLostCreateAnswerIT {

    @TempDir
    Path directory;

    @Test
    void aLostCreateAnswerNeverLeadsToMoreThanMaxPodsNorToADuplicate() throws Exception {
        String service = "lca-" + UUID.randomUUID().toString().substring(0, 6);
        Path config = Files.createDirectories(directory.resolve("services"));
        Files.writeString(config.resolve(service + ".yml"), """
                name: %s
                instance_count: {min: 2, max: 2}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                """.formatted(service));
        try (EngineSocketRelay relay =
                        EngineSocketRelay.start(directory.resolve("engine.sock"), EngineSockets.podman());
                PodmanContainerRuntime runtime = PodmanContainerRuntime.open(EngineSockets.podman())) {
            relay.dropAnswerTo("/containers/create");
            EnginePods pods = new EnginePods(runtime);
            AtomicInteger mostContainers = new AtomicInteger();
            AtomicInteger mostInOneSlot = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (watching.get()) {
                    try {
                        List<ContainerSummary> containers = pods.containers(service);
                        mostContainers.accumulateAndGet(containers.size(), Math::max);
                        Map<String, Long> perSlot = containers.stream()
                                .collect(Collectors.groupingBy(
                                        c -> c.labels().getOrDefault(OrbitLabels.POD_NUMBER, "?"),
                                        Collectors.counting()));
                        perSlot.values().forEach(n -> mostInOneSlot.accumulateAndGet(n.intValue(), Math::max));
                    } catch (RuntimeException e) {
                        // a listing that raced a removal: the next one counts
                    }
                }
            });
            DaemonProcess daemon = DaemonProcess.start(
                    "podman",
                    relay.socket(),
                    config,
                    Path.of("target", "daemon-it", "PodmanLostCreateAnswerIT", service + ".log"),
                    List.of("--instance", "it-" + service, "--on-exit", "stop"));
            List<Throwable> failures = new ArrayList<>();
            try {
                long started = System.nanoTime();
                Poll.until(
                        "two running pods after the lost answer",
                        Duration.ofSeconds(60),
                        () -> pods.runningPods(service).size(),
                        running -> running == 2,
                        () -> "pods: " + pods.pods(service) + "\n" + daemon.tail());
                Duration converged = Duration.ofNanos(System.nanoTime() - started);
                // a few more passes (resync every 5 s): nothing changes any more
                Thread.sleep(Duration.ofSeconds(6)); // observing a steady state, not synchronising
                watching.set(false);
                watcher.join(Duration.ofSeconds(5));
                List<EnginePods.Pod> end = pods.pods(service);
                System.out.printf(
                        "PodmanLostCreateAnswerIT: %d create answer(s) dropped; converged in %d ms; at most %d"
                                + " containers for max 2, at most %d in one slot; %d pods at the end%n",
                        relay.droppedAnswers(),
                        converged.toMillis(),
                        mostContainers.get(),
                        mostInOneSlot.get(),
                        end.size());
                assertThat(relay.droppedAnswers())
                        .as("the relay lost a create's answer")
                        .isEqualTo(1);
                assertThat(mostContainers.get()).as("never more than max").isLessThanOrEqualTo(2);
                assertThat(mostInOneSlot.get()).as("no duplicate pod in a slot").isEqualTo(1);
                assertThat(end).extracting(EnginePods.Pod::number).containsExactly(0, 1);
                assertThat(end).allMatch(EnginePods.Pod::isRunning);
            } finally {
                watching.set(false);
                daemon.terminate();
                pods.removeEverythingOf(service, failures);
            }
            assertThat(failures).isEmpty();
        }
    }
}
