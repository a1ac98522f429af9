package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.docker.DockerContainerRuntime;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The real engines the daemon's integration tests run on, and all that differs between them: the daemon's {@code -r},
 * the socket, the adapter the test observes the engine with, and the engine's CLI. Each {@code *IT} of a contract only
 * names its engine.
 *
 * <p>A missing engine skips the test with the reason, or fails it under {@code CI=true} ({@link EngineSockets}).
 */
enum TestEngine {
    PODMAN("podman", EngineSockets::podman, PodmanContainerRuntime::open),
    DOCKER("docker", EngineSockets::docker, DockerContainerRuntime::open),
    /** The test user's rootless Podman: no container IPs from the host, no network or (cgroup v1) memory limits. */
    ROOTLESS_PODMAN("podman", EngineSockets::rootlessPodman, PodmanContainerRuntime::open);

    private final String runtimeName;
    private final Supplier<Path> socket;
    private final Function<Path, ContainerRuntime> adapter;

    TestEngine(String runtimeName, Supplier<Path> socket, Function<Path, ContainerRuntime> adapter) {
        this.runtimeName = runtimeName;
        this.socket = socket;
        this.adapter = adapter;
    }

    /** {@code podman} or {@code docker}: the daemon's {@code -r}. */
    String runtimeName() {
        return runtimeName;
    }

    /** The engine's socket; skips (or fails under CI=true) when the engine is missing. */
    Path socket() {
        return socket.get();
    }

    /** The adapter the test observes the engine with (the daemon opens its own). */
    EnginePods open() {
        return new EnginePods(adapter.apply(socket()));
    }

    /** Starts a daemon on this engine ({@link DaemonProcess#start}). */
    DaemonProcess startDaemon(Path configDirectory, Path log, List<String> extraArguments)
            throws IOException, InterruptedException {
        return DaemonProcess.start(runtimeName, socket(), configDirectory, log, extraArguments);
    }

    /** Starts a daemon on this engine with these JVM options. */
    DaemonProcess startDaemon(Path configDirectory, Path log, List<String> extraArguments, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return DaemonProcess.start(runtimeName, socket(), configDirectory, log, extraArguments, jvmOptions);
    }

    /** The engine's CLI, to which a test appends its arguments (for rootless Podman: as a client of its socket). */
    List<String> cli() {
        return this == ROOTLESS_PODMAN
                ? List.of(runtimeName, "--remote", "--url", "unix://" + socket())
                : List.of(runtimeName);
    }

    /** True for a rootless engine, where a network limit cannot be applied and must be reported instead. */
    boolean rootless() {
        return this == ROOTLESS_PODMAN;
    }

    /** False where the engine drops memory limits (rootless cgroup v1): a memory hog then simply runs. */
    boolean enforcesMemoryLimits() {
        return this != ROOTLESS_PODMAN;
    }

    /** Six random hex digits: each test's service, instance and volume names end with them. */
    static String randomSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }
}
