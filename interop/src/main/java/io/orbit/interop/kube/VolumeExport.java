package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.orbit.engine.spec.ServiceSpec;
import java.util.Map;
import java.util.TreeMap;

/** Orbit volumes as pod volumes: hostPath, a ConfigMap per inline-file volume, a claim per named volume. */
final class VolumeExport {
    private final ServiceExport export;

    VolumeExport(ServiceExport export) {
        this.export = export;
    }

    void volumes() {
        export.spec.volumesOrEmpty().forEach((name, volume) -> {
            String field = "volumes." + name;
            String podVolume = KubeQuantities.dnsLabel(name);
            if (volume.hostPath() != null) {
                export.warn(
                        field + ".host_path",
                        "a hostPath ties the pod to the files of whichever node it runs on;"
                                + " use a PersistentVolumeClaim or a ConfigMap on a cluster");
                export.podVolumes.put(
                        podVolume,
                        new VolumeBuilder()
                                .withName(podVolume)
                                .withNewHostPath()
                                .withPath(volume.hostPath())
                                .endHostPath()
                                .build());
            } else if (volume.files() != null) {
                export.podVolumes.put(podVolume, configMap(name, podVolume, volume));
            } else if (volume.namedVolume() != null) {
                export.podVolumes.put(podVolume, claim(field, podVolume, volume.namedVolume()));
            }
            if (volume.permissions() != null && volume.files() == null) {
                export.warn(field + ".permissions", "applies to inline files only; not exported");
            }
        });
    }

    /** Inline files: a ConfigMap of this service, mounted with the files' permissions. */
    private Volume configMap(String name, String podVolume, ServiceSpec.VolumeData volume) {
        String configMap = KubeQuantities.dnsLabel(export.service.name() + "-" + name);
        export.objects.add(new ConfigMapBuilder()
                .withMetadata(export.meta(configMap))
                .withData(new TreeMap<>(volume.files()))
                .build());
        return new VolumeBuilder()
                .withName(podVolume)
                .withNewConfigMap()
                .withName(configMap)
                .withDefaultMode(KubeQuantities.mode(volume.permissions()))
                .endConfigMap()
                .build();
    }

    /** A named volume: a PersistentVolumeClaim of the same name, shared by every service that mounts it. */
    private Volume claim(String field, String podVolume, ServiceSpec.NamedVolume named) {
        String claim = KubeQuantities.dnsSubdomain(named.name());
        if (!claim.equals(named.name())) {
            export.warn(
                    field + ".named_volume.name",
                    "'" + named.name() + "' is not a Kubernetes name: the" + " claim is '" + claim + "'");
        }
        if (named.driverOpts() != null && !named.driverOpts().isEmpty()) {
            export.warn(
                    field + ".named_volume.driver_opts",
                    "storage options belong to a StorageClass on a" + " cluster; not exported");
        }
        if (!export.options.podman()) {
            export.warn(
                    field,
                    "the PersistentVolumeClaim asks for 1Gi, ReadWriteOnce: Orbit volumes have no"
                            + " size; set spec.resources.requests.storage to what the data needs");
        }
        Map<String, String> labels = new TreeMap<>(export.labels());
        if (named.labels() != null) {
            labels.putAll(named.labels());
        }
        export.claims.putIfAbsent(
                claim,
                new PersistentVolumeClaimBuilder()
                        .withMetadata(new ObjectMetaBuilder()
                                .withName(claim)
                                .withNamespace(export.options.namespace().orElse(null))
                                .withLabels(labels)
                                .build())
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources()
                        .addToRequests("storage", new Quantity("1Gi"))
                        .endResources()
                        .endSpec()
                        .build());
        return new VolumeBuilder()
                .withName(podVolume)
                .withNewPersistentVolumeClaim()
                .withClaimName(claim)
                .endPersistentVolumeClaim()
                .build();
    }
}
