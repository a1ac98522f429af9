package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.orbit.interop.Warning;
import java.util.List;

/**
 * What {@link KubeExporter} made: the objects, in the order they are written (ConfigMaps and claims before the
 * Deployments that use them), and the warnings.
 */
public record KubeExport(List<HasMetadata> objects, List<Warning> warnings) {

    public KubeExport {
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
    }
}
