package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.SecretRules;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code secrets} and {@code env_file} as Kubernetes Secrets holding placeholders, never the values: {@code
 * <service>-secrets} (one key per secret) and {@code <service>-<container>-env} (one key per env_file variable), with
 * a warning that says how to fill them. File secrets become secret volumes mounted at their targets; {@code as: env}
 * secrets {@code secretKeyRef}s; env_file variables an {@code envFrom}.
 */
final class SecretExport {

    private final ServiceExport export;

    SecretExport(ServiceExport export) {
        this.export = export;
    }

    private String secretsName() {
        return KubeQuantities.dnsLabel(export.service.name() + "-secrets");
    }

    static String placeholder(String key) {
        return "<fill in: " + key + ">";
    }

    /** The service's Secret, when it declares any. */
    void serviceSecret() {
        Set<String> names = new TreeSet<>(export.spec.secretsOrEmpty().keySet());
        if (names.isEmpty()) {
            return;
        }
        Map<String, String> placeholders = new TreeMap<>();
        names.forEach(name -> placeholders.put(name, placeholder(name)));
        export.objects.add(new SecretBuilder()
                .withMetadata(export.meta(secretsName()))
                .withType("Opaque")
                .withStringData(placeholders)
                .build());
        export.warn(
                "secrets",
                "the Secret " + secretsName() + " holds placeholders, never the values; fill it before applying:"
                        + " kubectl create secret generic " + secretsName()
                        + names.stream()
                                .map(name -> " --from-file=" + name + "=PATH")
                                .collect(Collectors.joining())
                        + " --dry-run=client -o yaml | kubectl apply -f -");
        export.spec.secretsOrEmpty().forEach((name, source) -> {
            if (source.engine() != null) {
                export.warn(
                        "secrets." + name + ".engine",
                        "the engine secret '" + source.engine() + "' is a Podman object: put its value under the key "
                                + name + " of " + secretsName());
            }
        });
    }

    /** The container's env_file Secret, secret volumes, mounts and variables. */
    void container(ContainerBuilder container, String field, ContainerDefinition definition) {
        Set<String> asEnv = new TreeSet<>();
        for (SecretRules.SecretUse use : SecretRules.uses(definition.template())) {
            if (use.asEnv()) {
                asEnv.add(use.envName());
                container.addToEnv(new EnvVarBuilder()
                        .withName(use.envName())
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName(secretsName())
                        .withKey(use.secret())
                        .endSecretKeyRef()
                        .endValueFrom()
                        .build());
                continue;
            }
            mountFile(container, field, use);
        }
        envFile(container, field, definition, asEnv);
    }

    /** A secret file: an item of the Secret volume, mounted read-only at its target with its mode. */
    private void mountFile(ContainerBuilder container, String field, SecretRules.SecretUse use) {
        String volume = KubeQuantities.dnsLabel("secret-" + use.secret());
        export.podVolumes.put(
                volume,
                new VolumeBuilder()
                        .withName(volume)
                        .withNewSecret()
                        .withSecretName(secretsName())
                        .addNewItem()
                        .withKey(use.secret())
                        .withPath(use.secret())
                        .withMode(use.mode())
                        .endItem()
                        .endSecret()
                        .build());
        container.addToVolumeMounts(new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(use.target())
                .withSubPath(use.secret())
                .withReadOnly(true)
                .build());
        if (use.uid() != 0 || use.gid() != 0) {
            export.warn(
                    field + ".secrets",
                    "uid/gid of secret " + use.secret() + " are not exported: a Secret volume's files belong to"
                            + " root; set the pod's securityContext.fsGroup to let a group read it");
        }
    }

    /** The env_file variables not overridden by an {@code as: env} secret: a Secret of placeholders, and envFrom. */
    private void envFile(ContainerBuilder container, String field, ContainerDefinition definition, Set<String> asEnv) {
        Set<String> envFileKeys = new TreeSet<>(definition.secrets().env().keySet());
        envFileKeys.removeAll(asEnv);
        if (envFileKeys.isEmpty()) {
            return;
        }
        String envSecret = KubeQuantities.dnsLabel(export.service.name() + "-" + definition.name() + "-env");
        Map<String, String> placeholders = new TreeMap<>();
        envFileKeys.forEach(key -> placeholders.put(key, placeholder(key)));
        export.objects.add(new SecretBuilder()
                .withMetadata(export.meta(envSecret))
                .withType("Opaque")
                .withStringData(placeholders)
                .build());
        container.addToEnvFrom(new EnvFromSourceBuilder()
                .withNewSecretRef()
                .withName(envSecret)
                .endSecretRef()
                .build());
        export.warn(
                field + ".env_file",
                "the Secret " + envSecret + " holds placeholders for " + envFileKeys.size() + " variable(s), never the"
                        + " values; fill it before applying: kubectl create secret generic " + envSecret
                        + " --from-env-file=PATH --dry-run=client -o yaml | kubectl apply -f -");
    }
}
