package io.orbit.runtime.testing;

import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.PortBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One container of the in-memory runtime. Mutable; guarded by the runtime's lock. */
final class FakeContainer {

    final String id;
    final ContainerSpec spec;
    final FakeImage image;
    final Workload workload;
    /** Files written outside any mount: the container's own writable layer. */
    final Map<String, String> ownFiles = new HashMap<>();

    ContainerState state = ContainerState.CREATED;
    /** A made-up host PID, set by the runtime at every start (meaningless outside the fake; 0 until started). */
    long pid;

    int exitCode;
    OomStatus oom = OomStatus.NOT_KILLED;

    @Nullable
    Instant startedAt;

    @Nullable
    Instant finishedAt;

    final Map<String, String> networkAddresses = new LinkedHashMap<>();
    final List<PortBinding> publishedPorts = new ArrayList<>();
    final List<FakeHttpListener> listeners = new ArrayList<>();
    /** What the container's processes printed (its main command's echoes, exec writes to /proc/1/fd/1 and 2). */
    final FakeLog log = new FakeLog();

    FakeContainer(String id, ContainerSpec spec, FakeImage image) {
        this.id = id;
        this.spec = spec;
        this.image = image;
        this.workload = Workload.of(spec.command());
    }

    boolean isRunning() {
        return state == ContainerState.RUNNING;
    }

    boolean answersTo(String host) {
        return spec.name().equals(host)
                || spec.networks().stream()
                        .anyMatch(network -> network.aliases().contains(host));
    }

    void closeListeners() {
        listeners.forEach(FakeHttpListener::close);
        listeners.clear();
    }

    ContainerDetails details() {
        return new ContainerDetails(
                id,
                spec.name(),
                spec.image(),
                image.id(),
                state,
                exitCode,
                oom,
                "",
                spec.labels(),
                networkAddresses,
                isRunning() ? publishedPorts : List.of(),
                Optional.ofNullable(startedAt),
                isRunning() ? Optional.empty() : Optional.ofNullable(finishedAt),
                spec.limits(),
                isRunning() ? pid : 0);
    }

    ContainerSummary summary() {
        return new ContainerSummary(id, spec.name(), spec.image(), state, spec.labels());
    }
}
