package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.interop.Warning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** One Orbit service's objects: what its parts share (the service, the options, the warnings, names and labels). */
final class ServiceExport {
    private static final String NAME = "app.kubernetes.io/name";

    final KubeOptions options;
    final ServiceDefinition service;
    final ServiceSpec spec;
    /** Every service's objects, in the order written; this service adds its own. */
    final List<HasMetadata> objects;
    /** Claims by name: two services mounting the same named volume share one claim. */
    final Map<String, PersistentVolumeClaim> claims;
    /** The pod's volumes, by name, filled in by {@link VolumeExport}. */
    final Map<String, Volume> podVolumes = new TreeMap<>();
    /** The pod template's annotations (bandwidth limits), filled in by {@link ContainerExport}. */
    final Map<String, String> annotations = new TreeMap<>();

    private final List<Warning> warnings;
    private final String file;

    ServiceExport(
            KubeOptions options,
            ServiceDefinition service,
            List<Warning> warnings,
            List<HasMetadata> objects,
            Map<String, PersistentVolumeClaim> claims) {
        this.options = options;
        this.service = service;
        this.spec = service.spec();
        this.warnings = warnings;
        this.objects = objects;
        this.claims = claims;
        this.file = service.file().toString();
    }

    void warn(String field, String message) {
        warnings.add(new Warning(file, field, message));
    }

    void run() {
        serviceWarnings();
        new VolumeExport(this).volumes();
        new SecretExport(this).serviceSecret();
        ContainerExport containerExport = new ContainerExport(this);
        List<Container> containers = new ArrayList<>();
        for (int i = 0; i < service.containers().size(); i++) {
            containers.add(containerExport.container(i, service.containers().get(i)));
        }
        checkSharedPorts();
        DeploymentExport deployment = new DeploymentExport(this);
        objects.add(deployment.deployment(containers));
        Optional<HorizontalPodAutoscaler> autoscaler = new AutoscalerExport(this).autoscaler();
        if (options.podman()) {
            autoscaler.ifPresent(hpa -> warn(
                    "resource_thresholds",
                    "podman kube play does not autoscale: the"
                            + " HorizontalPodAutoscaler is not written and the pod count stays at instance_count.min"));
        } else {
            deployment.nodePortService().ifPresent(objects::add);
            autoscaler.ifPresent(objects::add);
        }
    }

    private void serviceWarnings() {
        if (spec.network() != null) {
            warn(
                    "network",
                    "Kubernetes has one flat pod network: other services reach this one through its" + " Service ("
                            + service.name() + "), not on network '" + spec.network() + "'");
        }
        if (spec.imageCheckInterval() != null || spec.pullPolicy() == ServiceSpec.PullPolicy.Always) {
            warn(
                    spec.imageCheckInterval() != null ? "image_check_interval" : "pull_policy",
                    "Kubernetes does not watch tags: a new image under the same tag is rolled out by"
                            + " `kubectl rollout restart deployment/" + service.name() + "` (imagePullPolicy"
                            + " Always pulls it then)");
        }
        if (spec.adoptOrphans() != null) {
            warn("adopt_orphans", "the Deployment's ReplicaSet adopts pods by label; no equivalent needed");
        }
        if (spec.intervalSeconds() != null) {
            warn("interval_seconds", "had no effect in Orbit; not exported");
        }
        if (service.minInstances() == 0) {
            warn(
                    "instance_count.min",
                    "0: the Deployment starts with 0 replicas and an HPA cannot scale to"
                            + " zero (its minReplicas is 1); Knative or KEDA can");
        }
    }

    private void checkSharedPorts() {
        Map<Integer, String> seen = new TreeMap<>();
        for (ContainerDefinition container : service.containers()) {
            for (ContainerTemplate.PortSpec port : container.ports()) {
                String other = seen.putIfAbsent(port.port(), container.name());
                if (other != null && !other.equals(container.name())) {
                    warn(
                            "spec.containers",
                            "containers '" + other + "' and '" + container.name() + "' both"
                                    + " listen on " + port.port() + ": in one Kubernetes pod they share the network"
                                    + " namespace, so the second cannot bind it; change one port");
                }
            }
        }
    }

    /** Whole seconds, at least 1, rounded up (Kubernetes has no finer unit), with a warning when rounded. */
    int seconds(String field, @Nullable String humantime, Duration fallback) {
        Duration duration = humantime == null ? fallback : Units.duration(humantime);
        long millis = duration.toMillis();
        long seconds = Math.max(1, (millis + 999) / 1000);
        if (millis % 1000 != 0 || millis == 0) {
            warn(field, humantime + " rounded up to " + seconds + "s: Kubernetes counts whole seconds");
        }
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    ObjectMeta meta(String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(options.namespace().orElse(null))
                .withLabels(labels())
                .build();
    }

    Map<String, String> selector() {
        return Map.of(NAME, service.name(), "app.kubernetes.io/instance", service.name());
    }

    Map<String, String> labels() {
        Map<String, String> labels = new TreeMap<>(selector());
        labels.put("app.kubernetes.io/managed-by", KubeExporter.MANAGED_BY);
        labels.put("app.kubernetes.io/part-of", "orbit");
        return labels;
    }
}
