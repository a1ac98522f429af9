package io.orbit.interop.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.orbit.interop.Fixtures;
import io.orbit.interop.OrbitServices;
import io.orbit.interop.Warning;
import io.orbit.interop.compose.ComposeImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubeExportTest {

    @TempDir
    static Path imported;

    /** Every example on its own, all examples together, and every Compose fixture as imported. */
    static Stream<Arguments> directories() throws IOException {
        List<Arguments> directories = new ArrayList<>();
        try (Stream<Path> examples = Files.list(Fixtures.examples())) {
            for (Path example : examples.sorted().toList()) {
                Path dir = Files.createDirectories(imported.resolve("example-" + example.getFileName()));
                Files.copy(example, dir.resolve(example.getFileName()));
                directories.add(Arguments.of(example.getFileName().toString(), dir));
            }
        }
        directories.add(Arguments.of("examples/", Fixtures.examples()));
        for (Path compose : Fixtures.composeFiles()) {
            String name = compose.getParent().getFileName().toString();
            Path dir = Files.createDirectories(imported.resolve("compose-" + name));
            for (ComposeImporter.ImportedService service : new ComposeImporter(Fixtures.ENVIRONMENT)
                    .importFile(compose)
                    .services()) {
                Files.writeString(dir.resolve(service.fileName()), service.yaml());
            }
            directories.add(Arguments.of("compose " + name, dir));
        }
        return directories.stream();
    }

    static Stream<Arguments> directoriesAndModes() throws IOException {
        return directories()
                .flatMap(arguments -> Stream.of(
                        Arguments.of(arguments.get()[0], arguments.get()[1], KubeOptions.defaults()),
                        Arguments.of(
                                arguments.get()[0],
                                arguments.get()[1],
                                new KubeOptions(Optional.of("shop"), KubeOptions.ServiceType.LoadBalancer, false)),
                        Arguments.of(
                                arguments.get()[0],
                                arguments.get()[1],
                                new KubeOptions(Optional.empty(), KubeOptions.ServiceType.NodePort, true))));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("directoriesAndModes")
    void typedRoundTripAndSameBytesTwice(String name, Path directory, KubeOptions options) {
        OrbitServices services = OrbitServices.load(directory, 4112);
        KubeExport export = new KubeExporter(options).export(services.services());
        String yaml = KubeYaml.write(export.objects(), export.warnings(), "test");

        List<HasMetadata> parsed = KubeYaml.read(yaml);

        assertThat(parsed).isEqualTo(export.objects());
        KubeExport again = new KubeExporter(options)
                .export(OrbitServices.load(directory, 4112).services());
        assertThat(KubeYaml.write(again.objects(), again.warnings(), "test")).isEqualTo(yaml);
        assertThat(KubeYaml.write(parsed, export.warnings(), "test")).isEqualTo(yaml);
        for (HasMetadata object : parsed) {
            assertThat(object.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", KubeExporter.MANAGED_BY)
                    .containsKey("app.kubernetes.io/name");
            assertThat(object.getMetadata().getNamespace())
                    .isEqualTo(options.namespace().orElse(null));
            if (options.podman()) {
                assertThat(object.getKind()).isIn("Deployment", "ConfigMap", "PersistentVolumeClaim");
            }
        }
        assertThat(parsed)
                .filteredOn(object -> object instanceof Deployment)
                .hasSize(services.services().size());
        for (Warning warning : export.warnings()) {
            assertThat(yaml).contains("#   " + warning);
        }
    }

    private static KubeExport exportExample(String file, KubeOptions options) throws IOException {
        Path dir = Files.createTempDirectory(imported, "one");
        Files.copy(Fixtures.examples().resolve(file), dir.resolve(file));
        return new KubeExporter(options).export(OrbitServices.load(dir, 4112).services());
    }

    private static <T> T only(KubeExport export, Class<T> type) {
        return export.objects().stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void helloBecomesADeploymentAndANodePortService() throws IOException {
        KubeExport export = exportExample("hello.yml", KubeOptions.defaults());

        Deployment deployment = only(export, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxSurge()
                        .getIntVal())
                .isEqualTo(1);
        Container web =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(web.getImage()).isEqualTo("localhost/orbit-demo:latest");
        assertThat(web.getEnv())
                .extracting(env -> env.getName() + "=" + env.getValue())
                .containsExactly("ORBIT_GREETING=hello from Orbit", "ORBIT_SERVICE=hello");
        Service service = only(export, Service.class);
        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8081);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal())
                .isEqualTo(8080);
        assertThat(service.getSpec().getPorts().get(0).getNodePort()).isNull(); // 8081 is outside 30000-32767
        assertThat(export.warnings())
                .anySatisfy(warning -> assertThat(warning.message()).contains("outside Kubernetes' NodePort range"));
    }

    @Test
    void healthChecksBecomeProbesAndRollingUpdateTheStrategy() throws IOException {
        KubeExport export = exportExample("health.yml", KubeOptions.defaults());

        Deployment deployment = only(export, Deployment.class);
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        assertThat(deployment.getSpec().getProgressDeadlineSeconds()).isEqualTo(60);
        Container web =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(web.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/cgi-bin/health");
        assertThat(web.getLivenessProbe().getPeriodSeconds()).isEqualTo(2);
        assertThat(web.getLivenessProbe().getFailureThreshold()).isEqualTo(2);
        assertThat(web.getLivenessProbe().getTimeoutSeconds()).isEqualTo(1);
        assertThat(web.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
        assertThat(web.getStartupProbe().getFailureThreshold()).isEqualTo(30);
        assertThat(web.getStartupProbe().getPeriodSeconds()).isEqualTo(1);
    }

    @Test
    void thresholdsBecomeAnAutoscalerAndLimitsResources() throws IOException {
        KubeExport export = exportExample("codel.yml", KubeOptions.defaults());

        HorizontalPodAutoscaler hpa = only(export, HorizontalPodAutoscaler.class);
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
                .isEqualTo(60);
        assertThat(hpa.getSpec()
                        .getBehavior()
                        .getScaleDown()
                        .getPolicies()
                        .get(0)
                        .getPeriodSeconds())
                .isEqualTo(30);
        Container web = only(export, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(web.getResources().getLimits())
                .containsEntry("cpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("64Mi"));
        assertThat(export.warnings()).extracting(Warning::field).contains("codel");
    }

    @Test
    void sidecarsShareOnePodAndKeepTheirNames() throws IOException {
        KubeExport export = exportExample("sidecar.yml", KubeOptions.defaults());

        var pod = only(export, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("main", "proxy");
        assertThat(pod.getHostAliases().get(0).getIp()).isEqualTo("127.0.0.1");
        assertThat(pod.getHostAliases().get(0).getHostnames())
                .containsExactly("main", "proxy", "sidecar-main", "sidecar-proxy");
        assertThat(export.warnings())
                .anySatisfy(warning -> assertThat(warning.message()).contains("both listen on 8080"));
    }

    @Test
    void inlineFilesNamedVolumesHostPathsAndBandwidth(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("files.yml"), """
                name: files
                instance_count: {min: 1, max: 1}
                volumes:
                  conf:
                    files: {b.conf: "b", a.conf: "a"}
                    permissions: "0640"
                  data:
                    named_volume: {name: files_data, labels: {team: x}}
                  site:
                    host_path: /srv/site
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                      network_limit: {ingress_rate: 10Mbps, egress_rate: 500Kbps}
                      volume_mounts:
                        - {name: conf, mount_path: /etc/one.conf, sub_path: a.conf}
                        - {name: data, mount_path: /data, read_only: false}
                        - {name: site, mount_path: /srv}
                """);
        KubeExport export = new KubeExporter(KubeOptions.defaults())
                .export(OrbitServices.load(dir, 4112).services());

        ConfigMap configMap = only(export, ConfigMap.class);
        assertThat(configMap.getMetadata().getName()).isEqualTo("files-conf");
        assertThat(configMap.getData()).containsExactly(Map.entry("a.conf", "a"), Map.entry("b.conf", "b"));
        PersistentVolumeClaim claim = only(export, PersistentVolumeClaim.class);
        assertThat(claim.getMetadata().getName()).isEqualTo("files-data");
        assertThat(claim.getMetadata().getLabels()).containsEntry("team", "x");
        var pod = only(export, Deployment.class).getSpec().getTemplate();
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/ingress-bandwidth", "10M")
                .containsEntry("kubernetes.io/egress-bandwidth", "500k");
        assertThat(pod.getSpec().getVolumes()).anySatisfy(volume -> {
            assertThat(volume.getName()).isEqualTo("conf");
            assertThat(volume.getConfigMap().getDefaultMode()).isEqualTo(0640);
        });
        assertThat(pod.getSpec().getVolumes())
                .filteredOn(volume -> volume.getHostPath() != null)
                .singleElement()
                .satisfies(volume -> assertThat(volume.getHostPath().getPath()).isEqualTo("/srv/site"));
        assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts().get(0).getSubPath())
                .isEqualTo("a.conf");
        assertThat(export.warnings())
                .extracting(Warning::field)
                .contains(
                        "volumes.site.host_path", "volumes.data.named_volume.name", "spec.containers[0].network_limit");
    }

    @Test
    void secretsAndEnvFilesBecomeSecretsWithPlaceholdersNeverValues() throws IOException {
        Path dir = Files.createTempDirectory(imported, "secrets");
        Files.writeString(dir.resolve("db-password"), "kube-hunter2-value");
        Files.writeString(dir.resolve("app.env"), "API_URL=http://kube-hunter2-url\n");
        Files.writeString(dir.resolve("api.yml"), """
                name: api
                instance_count: {min: 1, max: 1}
                secrets:
                  db-password: {file: db-password}
                spec:
                  containers:
                    - name: main
                      image: nginx
                      env_file: app.env
                      secrets:
                        - {source: db-password, target: /etc/db, mode: 0400}
                        - {source: db-password, as: env, name: DB_PASSWORD}
                """);

        KubeExport export = new KubeExporter(KubeOptions.defaults())
                .export(OrbitServices.load(dir, 4112).services());
        String yaml = KubeYaml.write(export.objects(), export.warnings(), "test");

        assertThat(yaml).doesNotContain("hunter2");
        List<io.fabric8.kubernetes.api.model.Secret> secrets = export.objects().stream()
                .filter(io.fabric8.kubernetes.api.model.Secret.class::isInstance)
                .map(io.fabric8.kubernetes.api.model.Secret.class::cast)
                .toList();
        assertThat(secrets)
                .extracting(secret -> secret.getMetadata().getName())
                .containsExactlyInAnyOrder("api-secrets", "api-main-env");
        assertThat(secrets)
                .allSatisfy(secret -> assertThat(secret.getStringData().values())
                        .allSatisfy(value -> assertThat(value).startsWith("<fill in: ")));
        assertThat(export.warnings())
                .extracting(Warning::toString)
                .anySatisfy(warning -> assertThat(warning).contains("kubectl create secret generic api-secrets"))
                .anySatisfy(warning -> assertThat(warning).contains("--from-env-file"));
        var container = only(export, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(container.getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/db"));
        assertThat(container.getEnv())
                .anySatisfy(
                        env -> assertThat(env.getValueFrom().getSecretKeyRef().getKey())
                                .isEqualTo("db-password"));
        assertThat(container.getEnvFrom())
                .singleElement()
                .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("api-main-env"));
    }
}
