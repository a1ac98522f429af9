package io.orbit.runtime.docker;

import io.orbit.runtime.RuntimeBenchmark;
import java.nio.file.Path;

/** The Docker half of {@code scripts/bench-runtime.sh}; not a test. */
public final class DockerBenchmark {

    private DockerBenchmark() {}

    public static void main(String[] args) {
        Path socket = Path.of(System.getenv().getOrDefault("ORBIT_DOCKER_SOCKET", "/var/run/docker.sock"));
        RuntimeBenchmark.run(DockerContainerRuntime.open(socket), args);
    }
}
