package io.orbit.engine;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.netlimit.NetworkLimiter;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the {@link Engine} uses and does not build.
 *
 * @param runtime the container engine; its client is closed last when the engine stops
 * @param traffic where routes are published and pods drained (the proxy, or {@link TrafficControl#NONE})
 * @param engineInfo what the container engine is, when known (rootless, container IPs reachable)
 * @param networkLimiterDetection checks the host's tc, ip and nsenter; called once, when the engine starts
 * @param upstream parts that start before the engine's and stop after them (the engine monitor, the proxy)
 */
public record EnginePorts(
        ContainerRuntime runtime,
        TrafficControl traffic,
        Supplier<Optional<EngineInfo>> engineInfo,
        Supplier<? extends NetworkLimiter> networkLimiterDetection,
        List<Managed> upstream) {
    public EnginePorts {
        requireNonNull(runtime, "runtime is null");
        requireNonNull(traffic, "traffic is null");
        requireNonNull(engineInfo, "engineInfo is null");
        requireNonNull(networkLimiterDetection, "networkLimiterDetection is null");
        upstream = List.copyOf(upstream);
    }
}
