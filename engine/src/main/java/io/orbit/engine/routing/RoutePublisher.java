package io.orbit.engine.routing;

import io.orbit.engine.reconcile.DesiredService;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.PortBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Builds the {@link RouteTable} from the desired services and the observed pods after every status change, and
 * hands it to the proxy when it differs from the last one. Also answers which backends belong to a pod, so the pod
 * can be drained before removal.
 *
 * <p>Where container IPs are reachable from the host the backend is {@code containerIP:port}; otherwise (rootless
 * Podman) it is the port published on 127.0.0.1 — which is why every container port with a {@code node_port} is
 * published on a random loopback port.
 */
public final class RoutePublisher {

    private final DesiredState desired;
    private final StatusStore status;
    private final TrafficControl traffic;
    private final BooleanSupplier containerIpsReachable;
    private RouteTable last = RouteTable.EMPTY;

    public RoutePublisher(
            DesiredState desired, StatusStore status, TrafficControl traffic, BooleanSupplier containerIpsReachable) {
        this.desired = desired;
        this.status = status;
        this.traffic = traffic;
        this.containerIpsReachable = containerIpsReachable;
    }

    /** Rebuilds the table and publishes it if it changed. */
    public synchronized void publish() {
        Map<Integer, Route> routes =
                build(desired.snapshot().services(), status.services(), containerIpsReachable.getAsBoolean());
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
        Map<Integer, Route> routes = new TreeMap<>();
        for (DesiredService service : services.values()) {
            for (ContainerDefinition container : service.definition().containers()) {
                for (ContainerTemplate.PortSpec port : container.ports()) {
                    if (port.nodePort() == null) {
                        continue;
                    }
                    List<Backend> backends = backends(
                            observed.get(service.name()), container.name(), port.port(), containerIpsReachable);
                    routes.put(
                            port.nodePort(),
                            new Route(
                                    service.name(),
                                    port.nodePort(),
                                    port.port(),
                                    backends,
                                    healthCheck(container, port.port()),
                                    shedding(service.definition().spec())));
                }
            }
        }
        return routes;
    }

    private static List<Backend> backends(
            ServiceStatus service, String containerName, int containerPort, boolean containerIpsReachable) {
        List<Backend> backends = new ArrayList<>();
        if (service == null) {
            return backends;
        }
        for (PodStatus pod : service.pods()) {
            if (pod.problem().isPresent()) {
                continue;
            }
            pod.containers().stream()
                    .filter(container -> container.containerName().equals(containerName))
                    .findFirst()
                    .flatMap(container -> address(container, containerPort, containerIpsReachable))
                    .ifPresent(address -> backends.add(new Backend(
                            pod.podId() + ":" + containerPort, pod.podId(), address.host(), address.port())));
        }
        return backends;
    }

    private record Address(String host, int port) {}

    private static Optional<Address> address(ContainerStatus container, int containerPort, boolean ipsReachable) {
        if (ipsReachable) {
            Optional<String> ip = container.ipAddress();
            if (ip.isPresent()) {
                return Optional.of(new Address(ip.get(), containerPort));
            }
        }
        return container.publishedPorts().stream()
                .filter(binding ->
                        binding.containerPort() == containerPort && binding.protocol() == PortBinding.Protocol.TCP)
                .findFirst()
                .map(binding -> new Address(
                        binding.hostIp().equals("0.0.0.0") || binding.hostIp().isEmpty()
                                ? "127.0.0.1"
                                : binding.hostIp(),
                        binding.hostPort()));
    }

    /** Orbit's {@code tcp_check} on this port sets the timeout; otherwise DESIGN-NOTES' TCP defaults. */
    private static Route.HealthCheck healthCheck(ContainerDefinition container, int containerPort) {
        Route.HealthCheck defaults = Route.HealthCheck.DEFAULT_TCP;
        ContainerTemplate.HealthCheck check = container.template().healthCheck();
        if (check == null || check.tcpCheck() == null || check.tcpCheck().port() != containerPort) {
            return defaults;
        }
        Duration timeout = check.tcpCheck().timeout() == null
                ? Duration.ofSeconds(5)
                : Units.duration(check.tcpCheck().timeout());
        return new Route.HealthCheck(
                Optional.empty(),
                defaults.expectedStatusFrom(),
                defaults.expectedStatusTo(),
                defaults.interval(),
                defaults.startingInterval(),
                timeout,
                defaults.fall(),
                defaults.rise());
    }

    private static Optional<Route.Shedding> shedding(ServiceSpec spec) {
        ServiceSpec.CodelConfig codel = spec.codel();
        if (codel == null || codel.overloadStatusCode() == null) {
            return Optional.empty();
        }
        return Optional.of(new Route.Shedding(
                Units.duration(codel.target()), Units.duration(codel.interval()), codel.overloadStatusCode()));
    }
}
