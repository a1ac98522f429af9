package io.orbit.engine.testing;

import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodTemplateHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders for services in tests: {@code TestServices.service("web").replicas(2).build()}. */
public final class TestServices {

    public static final String IMAGE = "localhost/orbit-fixture:latest";

    private final String name;
    private final List<ContainerDefinition> containers = new ArrayList<>();
    private int min = 1;
    private int max = 1;
    private Optional<String> network = Optional.empty();
    private boolean adoptOrphans;

    private TestServices(String name) {
        this.name = name;
    }

    public static TestServices service(String name) {
        return new TestServices(name);
    }

    public TestServices replicas(int min, int max) {
        this.min = min;
        this.max = max;
        return this;
    }

    public TestServices replicas(int count) {
        return replicas(count, Math.max(count, 1));
    }

    public TestServices adoptOrphans(boolean adopt) {
        this.adoptOrphans = adopt;
        return this;
    }

    public TestServices network(String network) {
        this.network = Optional.of(network);
        return this;
    }

    public TestServices container(String containerName, String image, List<String> command) {
        return container(containerName, image, command, List.of());
    }

    public TestServices container(
            String containerName, String image, List<String> command, List<ContainerTemplate.PortSpec> ports) {
        return container(containerName, image, command, ports, null);
    }

    public TestServices container(
            String containerName,
            String image,
            List<String> command,
            List<ContainerTemplate.PortSpec> ports,
            ContainerTemplate.@org.jspecify.annotations.Nullable HealthCheck healthCheck) {
        ContainerTemplate template = new ContainerTemplate(
                containerName,
                image,
                command,
                null,
                null,
                ports,
                null,
                null,
                null,
                null,
                null,
                healthCheck,
                null,
                null);
        containers.add(new ContainerDefinition(containerName, image, command, Map.of(), false, ports, 0, 0, template));
        return this;
    }

    /** A container limited with {@code network_limit} (rates as in a service file, e.g. {@code "10Mbps"}). */
    public TestServices limitedContainer(String containerName, String ingressRate, String egressRate) {
        ContainerTemplate template = new ContainerTemplate(
                containerName,
                IMAGE,
                List.of(),
                null,
                null,
                List.of(),
                null,
                null,
                null,
                new ContainerTemplate.NetworkLimit(ingressRate, egressRate, null, null),
                null,
                null,
                null,
                null);
        containers.add(
                new ContainerDefinition(containerName, IMAGE, List.of(), Map.of(), false, List.of(), 0, 0, template));
        return this;
    }

    private ServiceSpec.@org.jspecify.annotations.Nullable RollingUpdateConfig rollingUpdate;

    public TestServices rollingUpdate(int maxSurge, int maxUnavailable, String timeout) {
        this.rollingUpdate = new ServiceSpec.RollingUpdateConfig(maxUnavailable, maxSurge, timeout);
        return this;
    }

    private ServiceSpec.@org.jspecify.annotations.Nullable PullPolicy pullPolicy;
    private Duration imageCheckInterval = Duration.ofMinutes(5);

    public TestServices pullPolicy(ServiceSpec.PullPolicy policy) {
        this.pullPolicy = policy;
        return this;
    }

    public TestServices imageCheckInterval(Duration interval) {
        this.imageCheckInterval = interval;
        return this;
    }

    public ServiceDefinition definition() {
        if (containers.isEmpty()) {
            container("main", IMAGE, List.of());
        }
        ServiceSpec spec = new ServiceSpec(
                name,
                network.orElse(null),
                new ServiceSpec.PodSpec(
                        containers.stream().map(ContainerDefinition::template).toList()),
                new ServiceSpec.InstanceCount(min, max),
                null,
                null,
                pullPolicy,
                null,
                adoptOrphans,
                null,
                imageCheckInterval.equals(Duration.ofMinutes(5)) ? null : imageCheckInterval.toSeconds() + "s",
                rollingUpdate,
                null,
                null,
                null,
                null,
                null);
        return new ServiceDefinition(Path.of(name + ".yml"), spec, containers, min, max, network, imageCheckInterval);
    }

    public DesiredService build() {
        ServiceDefinition definition = definition();
        return new DesiredService(definition, PodTemplateHash.of(definition), min);
    }
}
