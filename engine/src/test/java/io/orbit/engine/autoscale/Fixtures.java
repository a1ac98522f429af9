package io.orbit.engine.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Policies from real YAML (parsed and validated as the daemon does) and loads built in a line. */
final class Fixtures {

    static final int HOST_CPUS = 8;
    static final Instant LONG_AGO = Instant.parse("2025-01-01T00:00:00Z");

    private Fixtures() {}

    /** A service "web" with one container "main" (0.5 CPU limit, node_port 8080) and the given extra YAML. */
    static AutoscalePolicy policy(int min, int max, String extraYaml) {
        return AutoscalePolicy.of(definition(min, max, extraYaml), HOST_CPUS);
    }

    /** As {@link #policy} with two containers, "main" and "side", both limited to 0.5 CPU. */
    static AutoscalePolicy twoContainerPolicy(String extraYaml) {
        String yaml = "name: web\ninstance_count: {min: 1, max: 20}\n%s\nspec:\n  containers:\n".formatted(extraYaml)
                + "    - {name: main, image: nginx, cpu_limit: 0.5}\n"
                + "    - {name: side, image: nginx, cpu_limit: 0.5}\n";
        return AutoscalePolicy.of(validate(yaml), HOST_CPUS);
    }

    static ServiceDefinition definition(int min, int max, String extraYaml) {
        String yaml = "name: web\ninstance_count: {min: %d, max: %d}\n%s\nspec:\n  containers:\n"
                        .formatted(min, max, extraYaml)
                + "    - name: main\n      image: nginx\n      cpu_limit: 0.5\n"
                + "      ports: [{port: 80, node_port: 8080}]\n";
        return validate(yaml);
    }

    private static ServiceDefinition validate(String yaml) {
        var parsed = new ServiceFileParser().parse(Path.of("web.yml"), yaml);
        SpecValidator.Result result = SpecValidator.validate(List.of(parsed), SpecValidator.DEFAULT_API_PORT);
        assertThat(result.errors()).as("fixture YAML is valid").isEmpty();
        return result.services().get(0);
    }

    /** A ready, warm pod of container "main" at this CPU (percent of one CPU) with a 0.5 CPU limit. */
    static PodSample pod(int number, double cpuPercent) {
        return new PodSample(
                "pod-" + number,
                number,
                true,
                LONG_AGO,
                0,
                List.of(new ContainerSample("main", cpuPercent, 0.5, 100L << 20, 1L << 30)));
    }

    static PodSample withInFlight(PodSample pod, int inFlight) {
        return new PodSample(pod.podId(), pod.podNumber(), pod.ready(), pod.startedAt(), inFlight, pod.containers());
    }

    static PodSample unsampled(int number) {
        return new PodSample("pod-" + number, number, true, LONG_AGO, 0, List.of());
    }

    static PodSample starting(int number, Instant startedAt, boolean ready, double cpuPercent) {
        return new PodSample(
                "pod-" + number,
                number,
                ready,
                startedAt,
                0,
                List.of(new ContainerSample("main", cpuPercent, 0.5, 100L << 20, 1L << 30)));
    }

    /** {@code count} ready pods, each at this CPU. */
    static List<PodSample> pods(int count, double cpuPercent) {
        List<PodSample> pods = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pods.add(pod(i, cpuPercent));
        }
        return pods;
    }

    static ServiceLoad load(int current, List<PodSample> pods) {
        return new ServiceLoad("web", current, pods, 0, 0, true, Optional.empty(), true);
    }

    static ServiceLoad traffic(int current, List<PodSample> pods, int inFlight) {
        return new ServiceLoad("web", current, pods, inFlight, 0, true, Optional.empty(), true);
    }

    static ServiceLoad latency(int current, List<PodSample> pods, Duration minimum, int requests) {
        return new ServiceLoad(
                "web", current, pods, 1, 0, true, Optional.of(new LatencyWindow(minimum, requests)), true);
    }
}
