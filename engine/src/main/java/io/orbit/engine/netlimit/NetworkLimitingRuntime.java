package io.orbit.engine.netlimit;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.reconcile.PodStartException;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime the reconciler starts containers through: every successful {@link #startContainer} (a new pod's
 * containers and restarts in place alike) is followed by {@link NetworkLimitEnforcer#afterStart}, before the
 * container gets traffic. Containers this decorator created without a limit are not inspected again; adopted ones
 * (created by an earlier daemon) are, since their labels decide. Everything else is passed through. It does not own
 * the runtime: {@link #close} leaves it open.
 */
public final class NetworkLimitingRuntime implements ContainerRuntime {

    private final ContainerRuntime delegate;
    private final NetworkLimitEnforcer enforcer;
    private final Set<String> createdUnlimited = ConcurrentHashMap.newKeySet();

    public NetworkLimitingRuntime(ContainerRuntime delegate, NetworkLimitEnforcer enforcer) {
        this.delegate = delegate;
        this.enforcer = enforcer;
    }

    /**
     * Refuses a container whose limit this host cannot apply (a rootless engine, missing tools) before it exists: it
     * would otherwise run unlimited. The pass fails with the reason and the fix, and retries with back-off.
     */
    @Override
    public String createContainer(ContainerSpec spec) {
        Optional<NetworkLimit> limit = NetworkLimit.fromLabels(spec.labels());
        if (limit.isPresent()) {
            NetworkLimitSupport support = enforcer.support();
            if (!support.available()) {
                throw new PodStartException(
                        "network_limit of container '%s' (%s) cannot be enforced here: %s; the daemon does not start it unlimited. Fix: %s"
                                .formatted(
                                        spec.labels().getOrDefault(OrbitLabels.CONTAINER, spec.name()),
                                        limit.get().describe(),
                                        support.problem(),
                                        support.fix()),
                        null);
            }
        }
        String id = delegate.createContainer(spec);
        if (limit.isEmpty()) {
            createdUnlimited.add(id);
        }
        return id;
    }

    @Override
    public void startContainer(String containerId) {
        delegate.startContainer(containerId);
        if (!createdUnlimited.contains(containerId)) {
            enforcer.afterStart(containerId);
        }
    }

    @Override
    public void removeContainer(String containerId) {
        delegate.removeContainer(containerId);
        createdUnlimited.remove(containerId);
        enforcer.forget(containerId);
    }

    @Override
    public EngineInfo info() {
        return delegate.info();
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        delegate.stopContainer(containerId, timeout);
    }

    @Override
    public void killContainer(String containerId, String signal) {
        delegate.killContainer(containerId, signal);
    }

    @Override
    public ContainerDetails inspectContainer(String containerIdOrName) {
        return delegate.inspectContainer(containerIdOrName);
    }

    @Override
    public List<ContainerSummary> listContainers(LabelSelector selector) {
        return delegate.listContainers(selector);
    }

    @Override
    public List<ContainerSummary> listContainersByNamePrefix(String prefix) {
        return delegate.listContainersByNamePrefix(prefix);
    }

    @Override
    public List<ContainerStats> stats(Collection<String> containerIds) {
        return delegate.stats(containerIds);
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        return delegate.exec(containerId, command, timeout);
    }

    @Override
    public LogStream logs(String containerId, int tail, boolean follow, LogListener listener) {
        return delegate.logs(containerId, tail, follow, listener);
    }

    @Override
    public EventSubscription subscribe(LabelSelector selector, EventListener listener) {
        return delegate.subscribe(selector, listener);
    }

    @Override
    public NetworkDetails createNetwork(NetworkSpec spec) {
        return delegate.createNetwork(spec);
    }

    @Override
    public List<NetworkDetails> listNetworks(LabelSelector selector) {
        return delegate.listNetworks(selector);
    }

    @Override
    public void removeNetwork(String name) {
        delegate.removeNetwork(name);
    }

    @Override
    public VolumeDetails createVolume(VolumeSpec spec) {
        return delegate.createVolume(spec);
    }

    @Override
    public Optional<VolumeDetails> inspectVolume(String name) {
        return delegate.inspectVolume(name);
    }

    @Override
    public void removeVolume(String name) {
        delegate.removeVolume(name);
    }

    @Override
    public Optional<ImageDetails> inspectImage(String reference) {
        return delegate.inspectImage(reference);
    }

    @Override
    public ImageDetails pullImage(String reference, PullProgressListener progress) {
        return delegate.pullImage(reference, progress);
    }

    /** Leaves the runtime open: whoever built it closes it. */
    @Override
    public void close() {}
}
