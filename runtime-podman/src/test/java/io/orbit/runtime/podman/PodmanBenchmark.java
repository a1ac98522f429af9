package io.orbit.runtime.podman;

import io.orbit.runtime.RuntimeBenchmark;
import java.nio.file.Path;

/** The Podman half of {@code scripts/bench-runtime.sh}; not a test. */
public final class PodmanBenchmark {

    private PodmanBenchmark() {}

    public static void main(String[] args) {
        Path socket = Path.of(System.getenv().getOrDefault("ORBIT_PODMAN_SOCKET", "/run/podman/podman.sock"));
        RuntimeBenchmark.run(PodmanContainerRuntime.open(socket), args);
    }
}
