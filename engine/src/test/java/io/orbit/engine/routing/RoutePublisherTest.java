package io.orbit.engine.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.PortBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutePublisherTest {

    private static final DesiredService WEB = TestServices.service("web")
            .replicas(2)
            .container(
                    "main",
                    TestServices.IMAGE,
                    List.of(),
                    List.of(new ContainerTemplate.PortSpec(8080, null, 18080, null)))
            .build();

    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    private final List<RouteTable> published = new ArrayList<>();
    private final TrafficControl recorder = new TrafficControl() {
        @Override
        public void publish(RouteTable table) {
            published.add(table);
        }

        @Override
        public void drain(java.util.Set<String> backendIds, java.time.Duration timeout) {}
    };

    @Test
    void routesNodePortsToTheContainerIpsOfRunningPods() {
        desired.replace(new DesiredState.Snapshot(Map.of("web", WEB), List.of(), Instant.EPOCH));
        status.put(service(pod("p0", true, "10.88.0.5", 40001), pod("p1", false, "10.88.0.6", 40002)));
        RoutePublisher routes = new RoutePublisher(desired, status, recorder, () -> true);

        routes.publish();

        Route route = published.getLast().route(18080).orElseThrow();
        assertThat(route.service()).isEqualTo("web");
        assertThat(route.containerPort()).isEqualTo(8080);
        assertThat(route.backends())
                .as("the broken pod p1 is left out")
                .containsExactly(new Backend("p0:8080", "p0", "10.88.0.5", 8080));
        assertThat(routes.backendsOf("p0")).containsExactly("p0:8080");
    }

    @Test
    void usesThePublishedLoopbackPortWhereContainerIpsAreUnreachable() {
        desired.replace(new DesiredState.Snapshot(Map.of("web", WEB), List.of(), Instant.EPOCH));
        status.put(service(pod("p0", true, "10.88.0.5", 40001)));
        RoutePublisher routes = new RoutePublisher(desired, status, recorder, () -> false);

        routes.publish();

        assertThat(published.getLast().route(18080).orElseThrow().backends())
                .containsExactly(new Backend("p0:8080", "p0", "127.0.0.1", 40001));
    }

    @Test
    void publishesOnlyWhenSomethingChanged() {
        desired.replace(new DesiredState.Snapshot(Map.of("web", WEB), List.of(), Instant.EPOCH));
        status.put(service(pod("p0", true, "10.88.0.5", 40001)));
        RoutePublisher routes = new RoutePublisher(desired, status, recorder, () -> true);

        routes.publish();
        routes.publish();
        status.put(service(pod("p0", true, "10.88.0.5", 40001), pod("p1", true, "10.88.0.7", 40003)));
        routes.publish();

        assertThat(published).extracting(RouteTable::version).containsExactly(1L, 2L);
        assertThat(published.getLast().route(18080).orElseThrow().backends()).hasSize(2);
    }

    @Test
    void aRemovedServiceLosesItsRoute() {
        desired.replace(new DesiredState.Snapshot(Map.of("web", WEB), List.of(), Instant.EPOCH));
        RoutePublisher routes = new RoutePublisher(desired, status, recorder, () -> true);
        routes.publish();

        desired.replace(DesiredState.Snapshot.empty());
        routes.publish();

        assertThat(published.getLast().routes()).isEmpty();
    }

    @Test
    void aServiceAutoscaledFromZeroGetsAnActivationWithItsQueueAndTimeout() {
        assertThat(RoutePublisher.activation(definition(0, "autoscaling: {concurrency_target: 1}")))
                .contains(Route.Activation.DEFAULT);
        assertThat(RoutePublisher.activation(definition(
                        0, "autoscaling: {concurrency_target: 1, activation_timeout: 5s, activation_queue: 7}")))
                .contains(new Route.Activation(7, java.time.Duration.ofSeconds(5)));
        assertThat(RoutePublisher.activation(definition(1, "autoscaling: {concurrency_target: 1}")))
                .as("min 1: a pod always runs")
                .isEmpty();
        assertThat(RoutePublisher.activation(definition(0, "")))
                .as("not autoscaled: nothing would start a pod")
                .isEmpty();
        assertThat(RoutePublisher.activation(definition(0, "resource_thresholds: {}")))
                .as("a resource block without a threshold: the autoscaler has no signal and would start no pod")
                .isEmpty();
    }

    private static io.orbit.engine.spec.ServiceDefinition definition(int min, String extraYaml) {
        String yaml =
                "name: web\ninstance_count: {min: %d, max: 3}\n%s\nspec:\n  containers:\n".formatted(min, extraYaml)
                        + "    - name: main\n      image: nginx\n      ports: [{port: 80, node_port: 8080}]\n";
        var parsed = new io.orbit.engine.config.ServiceFileParser().parse(java.nio.file.Path.of("web.yml"), yaml);
        var result = io.orbit.engine.spec.SpecValidator.validate(
                List.of(parsed), io.orbit.engine.spec.SpecValidator.DEFAULT_API_PORT);
        assertThat(result.errors()).isEmpty();
        return result.services().get(0);
    }

    private static ServiceStatus service(PodStatus... pods) {
        return new ServiceStatus("web", Optional.of(WEB), List.of(pods), Optional.empty(), 0, Instant.EPOCH);
    }

    private static PodStatus pod(String id, boolean healthy, String ip, int publishedPort) {
        ContainerStatus container = new ContainerStatus(
                "c-" + id,
                "web__0__main__" + id,
                "main",
                TestServices.IMAGE,
                healthy ? ContainerState.RUNNING : ContainerState.EXITED,
                0,
                Map.of("podman", ip),
                List.of(new PortBinding(8080, PortBinding.Protocol.TCP, "127.0.0.1", publishedPort)),
                Optional.empty());
        return new PodStatus(
                id, 0, WEB.configHash(), true, List.of(container), healthy ? Optional.empty() : Optional.of("exited"));
    }
}
