package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.interop.Warning;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code orbit export kube}: per service a Deployment, a Service for its node ports, a HorizontalPodAutoscaler
 * (autoscaling/v2) when it autoscales on CPU or memory, ConfigMaps for inline files and PersistentVolumeClaims for
 * named volumes, built from fabric8's typed model. Whatever Kubernetes cannot say the way Orbit does is a {@link
 * Warning}. With {@link KubeOptions#podman()} only what {@code podman kube play} honours is written.
 */
public final class KubeExporter {

    public static final String MANAGED_BY = "orbit-export";
    private static final Comparator<HasMetadata> ORDER = Comparator.comparing(
                    (HasMetadata object) -> switch (object.getKind()) {
                        case "ConfigMap", "Secret" -> 0;
                        case "PersistentVolumeClaim" -> 1;
                        case "Deployment" -> 2;
                        case "Service" -> 3;
                        default -> 4;
                    })
            .thenComparing(object -> object.getMetadata().getName());

    private final KubeOptions options;

    public KubeExporter(KubeOptions options) {
        this.options = options;
    }

    public KubeExport export(List<ServiceDefinition> services) {
        List<HasMetadata> objects = new ArrayList<>();
        List<Warning> warnings = new ArrayList<>();
        Map<String, PersistentVolumeClaim> claims = new TreeMap<>();
        for (ServiceDefinition service : services.stream()
                .sorted(Comparator.comparing(ServiceDefinition::name))
                .toList()) {
            new ServiceExport(options, service, warnings, objects, claims).run();
        }
        objects.addAll(claims.values());
        objects.sort(ORDER);
        return new KubeExport(objects, warnings);
    }
}
