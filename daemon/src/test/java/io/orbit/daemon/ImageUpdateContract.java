package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Image updates end to end on a real engine: a service ({@code pull_policy: Never}, {@code image_check_interval: 2s})
 * runs a test-only tag; the test re-points the tag to another local image with the engine's CLI (never a registry),
 * the daemon's image watcher notices and the reconciler replaces the pods, which then run the new image id. A daemon
 * restart afterwards must not roll them again (its restart token is gone, and pods of any token count as current).
 */
@Tag("container-engine")
abstract class ImageUpdateContract extends DaemonScenario {

    private static final String FIRST_IMAGE = "localhost/orbit-demo:latest";

    private String service;
    private String movingTag;

    ImageUpdateContract(TestEngine testEngine) {
        super(testEngine, "image");
    }

    @BeforeEach
    void nameWhatTheTestCreates() {
        service = "it-img-" + suffix;
        movingTag = "localhost/orbit-it-moving:" + suffix;
    }

    @Override
    List<String> services() {
        return List.of(service);
    }

    @Override
    void removeMore(List<Throwable> failures) throws InterruptedException {
        try {
            cli("rmi", movingTag); // only the tag goes: both images keep their own
        } catch (AssertionError | IOException e) {
            failures.add(e);
        }
    }

    @Test
    void aNewImageUnderTheTagRollsThePodsAndADaemonRestartDoesNotRollThemAgain() throws Exception {
        String firstId = imageId(FIRST_IMAGE);
        String secondId = imageId(ServiceFile.FIXTURE_IMAGE);
        assertThat(firstId).as("two different local images").isNotEqualTo(secondId);
        cli("tag", FIRST_IMAGE, movingTag);
        Files.writeString(configDirectory.resolve("img.yml"), """
                name: %s
                instance_count: {min: 2, max: 2}
                pull_policy: Never
                image_check_interval: 2s
                spec:
                  containers:
                    - name: main
                      image: %s
                """.formatted(service, movingTag));
        DaemonProcess daemon = startDaemon();
        List<EnginePods.Pod> first = awaitTwoRunningPodsOn(daemon, firstId);

        cli("tag", ServiceFile.FIXTURE_IMAGE, movingTag);
        List<EnginePods.Pod> second = awaitTwoRunningPodsOn(daemon, secondId);
        assertThat(EnginePods.idsOf(second)).doesNotContainAnyElementsOf(EnginePods.idsOf(first));
        assertThat(second).allSatisfy(pod -> assertThat(pod.configHash()).contains("-r"));
        assertThat(daemon.getJson("/events").toString()).contains("image-updated");

        daemon.terminate();
        DaemonProcess restarted = startDaemon();
        Set<String> containers = containerIds(second);
        Poll.holdsFor(
                "the same two containers after a daemon restart",
                Duration.ofSeconds(10),
                () -> engine.containerIds(service),
                containers::equals,
                restarted::tail);
    }

    private List<EnginePods.Pod> awaitTwoRunningPodsOn(DaemonProcess daemon, String imageId) throws Exception {
        return Poll.until(
                "two running pods of %s on image %s".formatted(service, imageId.substring(0, 12)),
                () -> engine.pods(service),
                pods -> pods.size() == 2
                        && pods.stream().allMatch(EnginePods.Pod::isRunning)
                        && pods.stream()
                                .flatMap(pod -> pod.containers().stream())
                                .allMatch(container -> imageId.equals(containerImage(container.id()))),
                daemon::tail);
    }

    private String containerImage(String containerId) {
        try {
            return bare(engine.runtime().inspectContainer(containerId).imageId());
        } catch (RuntimeException gone) {
            return "";
        }
    }

    private static Set<String> containerIds(List<EnginePods.Pod> pods) {
        return pods.stream().flatMap(pod -> pod.containerIds().stream()).collect(Collectors.toSet());
    }

    private String imageId(String reference) {
        return bare(engine.runtime()
                .inspectImage(reference)
                .orElseThrow(() -> new AssertionError(reference + " is missing: run the project's build-images script"))
                .id());
    }

    private static String bare(String id) {
        return id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
    }

    private void cli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.addAll(testEngine.cli());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
    }
}
