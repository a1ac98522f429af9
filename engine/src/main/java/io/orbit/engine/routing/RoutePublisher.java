package io.orbit.engine.routing;

import io.orbit.engine.health.HealthPolicy;
import io.orbit.engine.health.Probe;
import io.orbit.engine.health.ProbeSpec;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link RouteTable} from the desired services and the observed pods after every status change, and
 * hands it to the proxy when it differs from the last one. Also answers which backends belong to a pod, so the pod
 * can be drained before removal.
 *
 * <p>Where container IPs are reachable from the host the backend is {@code containerIP:port}; otherwise (rootless
 * Podman) it is the port published on 127.0.0.1 — which is why every container port with a {@code node_port} is
 * published on a random loopback port.
 *
 * <p>The writer of the route table, so it stays in the engine (it reads desired state, status and health); the types
 * it writes live in the same package in the {@code routing} module, which the proxy depends on instead of the
 * engine. That module holds the package's {@code package-info}, hence {@code @NullMarked} here.
 */
@NullMarked
public final class RoutePublisher {

    private final DesiredState desired;
    private final StatusStore status;
    private final TrafficControl traffic;
    private final BooleanSupplier containerIpsReachable;
    private final BiPredicate<ServiceDefinition, PodStatus> ready;
    private final BiPredicate<ServiceDefinition, PodStatus> verified;
    private RouteTable last = RouteTable.EMPTY;

    public RoutePublisher(
            DesiredState desired, StatusStore status, TrafficControl traffic, BooleanSupplier containerIpsReachable) {
        this(desired, status, traffic, containerIpsReachable, (service, pod) -> true, (service, pod) -> false);
    }

    /**
     * @param ready whether a pod whose containers all run may get traffic: health's readiness (its probes passed in
     *     this run); a pod that is not ready is left out of the table, so the proxy never sees it
     * @param verified whether that readiness came from probes (the proxy then trusts it at once, see {@link
     *     Backend#verified})
     */
    public RoutePublisher(
            DesiredState desired,
            StatusStore status,
            TrafficControl traffic,
            BooleanSupplier containerIpsReachable,
            BiPredicate<ServiceDefinition, PodStatus> ready,
            BiPredicate<ServiceDefinition, PodStatus> verified) {
        this.desired = desired;
        this.status = status;
        this.traffic = traffic;
        this.containerIpsReachable = containerIpsReachable;
        this.ready = ready;
        this.verified = verified;
    }

    /** Rebuilds the table and publishes it if it changed. */
    public synchronized void publish() {
        Map<Integer, Route> routes = build(
                desired.snapshot().services(),
                status.services(),
                containerIpsReachable.getAsBoolean(),
                ready,
                verified);
        if (!routes.equals(last.routes())) {
            last = new RouteTable(last.version() + 1, routes);
            traffic.publish(last);
        }
    }

    public synchronized RouteTable current() {
        return last;
    }

    /** The ids of the pod's backends in the current table (empty when it serves no node port). */
    public synchronized Set<String> backendsOf(String podId) {
        Set<String> ids = new HashSet<>();
        last.routes()
                .values()
                .forEach(route -> route.backends().stream()
                        .filter(backend -> backend.podId().equals(podId))
                        .forEach(backend -> ids.add(backend.id())));
        return ids;
    }

    static Map<Integer, Route> build(
            Map<String, DesiredService> services, Map<String, ServiceStatus> observed, boolean containerIpsReachable) {
        return build(services, observed, containerIpsReachable, (service, pod) -> true, (service, pod) -> false);
    }

    static Map<Integer, Route> build(
            Map<String, DesiredService> services,
            Map<String, ServiceStatus> observed,
            boolean containerIpsReachable,
            BiPredicate<ServiceDefinition, PodStatus> ready,
            BiPredicate<ServiceDefinition, PodStatus> verified) {
        Map<Integer, Route> routes = new TreeMap<>();
        for (DesiredService service : services.values()) {
            for (ContainerDefinition container : service.definition().containers()) {
                for (ContainerTemplate.PortSpec port : container.ports()) {
                    if (port.nodePort() == null) {
                        continue;
                    }
                    List<Backend> backends = backends(
                            service.definition(),
                            observed.get(service.name()),
                            container.name(),
                            port.port(),
                            containerIpsReachable,
                            ready,
                            verified);
                    routes.put(
                            port.nodePort(),
                            new Route(
                                    service.name(),
                                    port.nodePort(),
                                    port.port(),
                                    backends,
                                    healthCheck(container, port.port()),
                                    shedding(service.definition().spec()),
                                    activation(service.definition())));
                }
            }
        }
        return routes;
    }

    private static List<Backend> backends(
            ServiceDefinition definition,
            @Nullable ServiceStatus service,
            String containerName,
            int containerPort,
            boolean containerIpsReachable,
            BiPredicate<ServiceDefinition, PodStatus> ready,
            BiPredicate<ServiceDefinition, PodStatus> verified) {
        List<Backend> backends = new ArrayList<>();
        if (service == null) {
            return backends;
        }
        for (PodStatus pod : service.pods()) {
            if (pod.problem().isPresent() || !ready.test(definition, pod)) {
                continue;
            }
            pod.containers().stream()
                    .filter(container -> container.containerName().equals(containerName))
                    .findFirst()
                    .flatMap(container -> container.endpoint(containerPort, containerIpsReachable))
                    .ifPresent(address -> backends.add(new Backend(
                            pod.podId() + ":" + containerPort,
                            pod.podId(),
                            address.host(),
                            address.port(),
                            verified.test(definition, pod))));
        }
        return backends;
    }

    /**
     * The proxy's own check of a backend: an {@code http_check} on this port makes it an HTTP check of the same path
     * and statuses, a {@code tcp_check} on it sets the timeout; otherwise DESIGN-NOTES' TCP defaults. (Health's
     * probes decide readiness and restarts; the proxy's check only steers traffic between two of them.)
     */
    private static Route.HealthCheck healthCheck(ContainerDefinition container, int containerPort) {
        Route.HealthCheck defaults = Route.HealthCheck.DEFAULT_TCP;
        Optional<HealthPolicy> policy =
                HealthPolicy.cachedOf(container.template().healthCheck());
        for (ProbeSpec spec : policy.map(HealthPolicy::probes).orElse(List.of())) {
            if (spec.probe() instanceof Probe.Http http && http.port() == containerPort) {
                return new Route.HealthCheck(
                        Optional.of(http.path()),
                        http.expected().from(),
                        http.expected().to(),
                        defaults.interval(),
                        defaults.startingInterval(),
                        http.timeout(),
                        defaults.fall(),
                        defaults.rise());
            }
        }
        for (ProbeSpec spec : policy.map(HealthPolicy::probes).orElse(List.of())) {
            if (spec.probe() instanceof Probe.Tcp tcp && tcp.port() == containerPort) {
                return new Route.HealthCheck(
                        Optional.empty(),
                        defaults.expectedStatusFrom(),
                        defaults.expectedStatusTo(),
                        defaults.interval(),
                        defaults.startingInterval(),
                        tcp.timeout(),
                        defaults.fall(),
                        defaults.rise());
            }
        }
        return defaults;
    }

    /**
     * A service that scales from zero: autoscaled ({@link ServiceSpec#hasScalingSignal}: otherwise nothing would
     * start a pod) with {@code instance_count.min: 0}. Its requests are held while no pod is ready, instead of a 503 at
     * once.
     */
    static Optional<Route.Activation> activation(ServiceDefinition definition) {
        ServiceSpec.Autoscaling autoscaling = definition.spec().autoscaling();
        if (definition.minInstances() != 0 || !definition.spec().hasScalingSignal()) {
            return Optional.empty();
        }
        Integer queue = autoscaling == null ? null : autoscaling.activationQueue();
        String timeout = autoscaling == null ? null : autoscaling.activationTimeout();
        return Optional.of(new Route.Activation(
                queue == null ? Route.Activation.DEFAULT_QUEUE : queue,
                timeout == null ? Route.Activation.DEFAULT_TIMEOUT : Units.duration(timeout)));
    }

    private static Optional<Route.Shedding> shedding(ServiceSpec spec) {
        ServiceSpec.CodelConfig codel = spec.codel();
        if (codel == null) {
            return Optional.empty();
        }
        // Without overload_status_code the proxy only measures latency (for the autoscaler's CoDel) and sheds nothing.
        return Optional.of(new Route.Shedding(
                Units.duration(codel.target()),
                Units.duration(codel.interval()),
                codel.overloadStatusCode() == null ? Route.Shedding.MEASURE_ONLY : codel.overloadStatusCode()));
    }
}
