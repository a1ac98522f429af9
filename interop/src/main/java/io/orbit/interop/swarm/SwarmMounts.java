package io.orbit.interop.swarm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Volume mounts as Swarm bind mounts, named volumes and configs (inline files, written beside the stack file). */
final class SwarmMounts {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final SwarmServiceExport export;

    SwarmMounts(SwarmServiceExport export) {
        this.export = export;
    }

    void mounts(ObjectNode node, String field, ContainerTemplate template) {
        ArrayNode volumeMounts = F.arrayNode();
        ArrayNode configMounts = F.arrayNode();
        for (int m = 0; m < template.volumeMountsOrEmpty().size(); m++) {
            ContainerTemplate.VolumeMount mount = template.volumeMountsOrEmpty().get(m);
            String where = field + ".volume_mounts[" + m + "]";
            ServiceSpec.VolumeData volume = export.spec.volumesOrEmpty().get(mount.name());
            if (volume == null) {
                continue; // the validator rejects it; nothing to export
            }
            if (volume.hostPath() != null) {
                export.warn(
                        where,
                        "a bind mount of " + volume.hostPath() + ": it must exist on every node a task may"
                                + " run on");
                ObjectNode bind = volumeMounts.addObject();
                bind.put("type", "bind");
                bind.put(
                        "source",
                        mount.subPath() == null ? volume.hostPath() : volume.hostPath() + "/" + mount.subPath());
                bind.put("target", mount.mountPath());
                bind.put("read_only", mount.isReadOnly());
            } else if (volume.files() != null) {
                configMounts(configMounts, where, mount, volume, volume.files());
            } else if (volume.namedVolume() != null) {
                namedVolumeMount(volumeMounts, where, mount, volume.namedVolume());
            }
        }
        if (!volumeMounts.isEmpty()) {
            node.set("volumes", volumeMounts);
        }
        if (!configMounts.isEmpty()) {
            node.set("configs", configMounts);
        }
    }

    /** Inline files: one Swarm config per file, written beside the stack file. */
    private void configMounts(
            ArrayNode configMounts,
            String where,
            ContainerTemplate.VolumeMount mount,
            ServiceSpec.VolumeData volume,
            Map<String, String> files) {
        List<String> names =
                mount.subPath() != null ? List.of(mount.subPath()) : new ArrayList<>(new TreeMap<>(files).keySet());
        if (!mount.isReadOnly()) {
            export.warn(where + ".read_only", "Swarm configs are read-only files");
        }
        for (String name : names) {
            String config = export.service.name() + "-" + mount.name() + "-" + name.replace('.', '-');
            String path = export.configDirectory + "/" + export.service.name() + "/" + mount.name() + "/" + name;
            export.files.put(path, files.get(name));
            export.configs.put(config, F.objectNode().put("file", "./" + path));
            ObjectNode entry = configMounts.addObject();
            entry.put("source", config);
            entry.put("target", mount.subPath() != null ? mount.mountPath() : mount.mountPath() + "/" + name);
            entry.put("mode", Integer.parseInt(volume.permissions() == null ? "0644" : volume.permissions(), 8));
        }
    }

    /** A named volume: local to each node, which the warning says. */
    private void namedVolumeMount(
            ArrayNode volumeMounts, String where, ContainerTemplate.VolumeMount mount, ServiceSpec.NamedVolume named) {
        ObjectNode definition = F.objectNode();
        definition.put("name", named.name());
        if (named.labels() != null && !named.labels().isEmpty()) {
            new TreeMap<>(named.labels()).forEach(definition.putObject("labels")::put);
        }
        if (named.driverOpts() != null && !named.driverOpts().isEmpty()) {
            new TreeMap<>(named.driverOpts()).forEach(definition.putObject("driver_opts")::put);
        }
        String key = named.name().replaceAll("[^A-Za-z0-9_-]", "_");
        export.volumes.put(key, definition);
        ObjectNode entry = volumeMounts.addObject();
        entry.put("type", "volume");
        entry.put("source", key);
        entry.put("target", mount.mountPath());
        entry.put("read_only", mount.isReadOnly());
        export.warn(
                where, "a named volume is local to each node: a task on another node starts with an" + " empty one");
    }
}
