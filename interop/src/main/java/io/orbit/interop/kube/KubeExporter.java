package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicyBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRulesBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.interop.Warning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code orbit export kube}: per service a Deployment, a Service for its node ports, a HorizontalPodAutoscaler
 * (autoscaling/v2) when it autoscales on CPU or memory, ConfigMaps for inline files and PersistentVolumeClaims for
 * named volumes, built from fabric8's typed model. Whatever Kubernetes cannot say the way Orbit does is a {@link
 * Warning}. With {@link KubeOptions#podman()} only what {@code podman kube play} honours is written.
 */
public final class KubeExporter {

    public static final String MANAGED_BY = "orbit-export";
    private static final String NAME = "app.kubernetes.io/name";
    private static final Comparator<HasMetadata> ORDER = Comparator.comparing(
                    (HasMetadata object) -> switch (object.getKind()) {
                        case "ConfigMap" -> 0;
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
            new ServiceExport(service, warnings, objects, claims).run();
        }
        objects.addAll(claims.values());
        objects.sort(ORDER);
        return new KubeExport(objects, warnings);
    }

    /** One Orbit service's objects. */
    private final class ServiceExport {
        private final ServiceDefinition service;
        private final ServiceSpec spec;
        private final List<Warning> warnings;
        private final List<HasMetadata> objects;
        private final Map<String, PersistentVolumeClaim> claims;
        private final String file;
        private final Map<String, Volume> podVolumes = new TreeMap<>();
        private final Map<String, String> annotations = new TreeMap<>();

        ServiceExport(
                ServiceDefinition service,
                List<Warning> warnings,
                List<HasMetadata> objects,
                Map<String, PersistentVolumeClaim> claims) {
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
            volumes();
            List<Container> containers = new ArrayList<>();
            for (int i = 0; i < service.containers().size(); i++) {
                containers.add(container(i, service.containers().get(i)));
            }
            checkSharedPorts();
            objects.add(deployment(containers));
            Optional<HorizontalPodAutoscaler> autoscaler = autoscaler();
            if (options.podman()) {
                autoscaler.ifPresent(
                        hpa -> warn(
                                "resource_thresholds",
                                "podman kube play does not autoscale: the"
                                        + " HorizontalPodAutoscaler is not written and the pod count stays at instance_count.min"));
            } else {
                nodePortService().ifPresent(objects::add);
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

        private void volumes() {
            spec.volumesOrEmpty().forEach((name, volume) -> {
                String field = "volumes." + name;
                String podVolume = dnsLabel(name);
                if (volume.hostPath() != null) {
                    warn(
                            field + ".host_path",
                            "a hostPath ties the pod to the files of whichever node it runs on;"
                                    + " use a PersistentVolumeClaim or a ConfigMap on a cluster");
                    podVolumes.put(
                            podVolume,
                            new VolumeBuilder()
                                    .withName(podVolume)
                                    .withNewHostPath()
                                    .withPath(volume.hostPath())
                                    .endHostPath()
                                    .build());
                } else if (volume.files() != null) {
                    String configMap = dnsLabel(service.name() + "-" + name);
                    objects.add(new ConfigMapBuilder()
                            .withMetadata(meta(configMap))
                            .withData(new TreeMap<>(volume.files()))
                            .build());
                    podVolumes.put(
                            podVolume,
                            new VolumeBuilder()
                                    .withName(podVolume)
                                    .withNewConfigMap()
                                    .withName(configMap)
                                    .withDefaultMode(mode(volume.permissions()))
                                    .endConfigMap()
                                    .build());
                } else if (volume.namedVolume() != null) {
                    ServiceSpec.NamedVolume named = volume.namedVolume();
                    String claim = dnsSubdomain(named.name());
                    if (!claim.equals(named.name())) {
                        warn(
                                field + ".named_volume.name",
                                "'" + named.name() + "' is not a Kubernetes name: the" + " claim is '" + claim + "'");
                    }
                    if (named.driverOpts() != null && !named.driverOpts().isEmpty()) {
                        warn(
                                field + ".named_volume.driver_opts",
                                "storage options belong to a StorageClass on a" + " cluster; not exported");
                    }
                    if (!options.podman()) {
                        warn(
                                field,
                                "the PersistentVolumeClaim asks for 1Gi, ReadWriteOnce: Orbit volumes have no"
                                        + " size; set spec.resources.requests.storage to what the data needs");
                    }
                    Map<String, String> labels = new TreeMap<>(labels());
                    if (named.labels() != null) {
                        labels.putAll(named.labels());
                    }
                    claims.putIfAbsent(
                            claim,
                            new PersistentVolumeClaimBuilder()
                                    .withMetadata(new ObjectMetaBuilder()
                                            .withName(claim)
                                            .withNamespace(options.namespace().orElse(null))
                                            .withLabels(labels)
                                            .build())
                                    .withNewSpec()
                                    .withAccessModes("ReadWriteOnce")
                                    .withNewResources()
                                    .addToRequests("storage", new Quantity("1Gi"))
                                    .endResources()
                                    .endSpec()
                                    .build());
                    podVolumes.put(
                            podVolume,
                            new VolumeBuilder()
                                    .withName(podVolume)
                                    .withNewPersistentVolumeClaim()
                                    .withClaimName(claim)
                                    .endPersistentVolumeClaim()
                                    .build());
                }
                if (volume.permissions() != null && volume.files() == null) {
                    warn(field + ".permissions", "applies to inline files only; not exported");
                }
            });
        }

        private Container container(int index, ContainerDefinition definition) {
            ContainerTemplate template = definition.template();
            String field = "spec.containers[" + index + "]";
            ContainerBuilder container = new ContainerBuilder()
                    .withName(definition.name())
                    .withImage(definition.image())
                    .withImagePullPolicy(
                            spec.pullPolicy() == ServiceSpec.PullPolicy.Always ? "Always" : "IfNotPresent");
            if (!definition.command().isEmpty()) {
                // Orbit's command replaces the image's CMD and keeps its ENTRYPOINT: Kubernetes calls that args.
                container.withArgs(definition.command());
            }
            new TreeMap<>(definition.env()).forEach((name, value) -> container.addToEnv(new EnvVar(name, value, null)));
            List<ContainerPort> ports = new ArrayList<>();
            for (int p = 0; p < definition.ports().size(); p++) {
                ContainerTemplate.PortSpec port = definition.ports().get(p);
                ContainerPortBuilder built = new ContainerPortBuilder()
                        .withContainerPort(port.port())
                        .withProtocol(
                                port.protocol() == null
                                        ? "TCP"
                                        : port.protocol().name());
                if (port.targetPort() != null) {
                    built.withHostPort(port.targetPort());
                    warn(
                            field + ".ports[" + p + "].target_port",
                            "a hostPort: it binds " + port.targetPort()
                                    + " on whichever node runs the pod, so at most one pod per node");
                } else if (options.podman() && port.nodePort() != null) {
                    // podman kube play publishes hostPorts; it has no Services: the node port is published directly.
                    built.withHostPort(port.nodePort());
                    warn(
                            field + ".ports[" + p + "].node_port",
                            "podman kube play has no Service: published as hostPort " + port.nodePort()
                                    + " of the one pod, without Orbit's load-balancing proxy");
                }
                ContainerPort built2 = built.build();
                if (ports.stream().noneMatch(existing -> existing.equals(built2))) {
                    ports.add(built2);
                }
            }
            container.withPorts(ports);
            Map<String, Quantity> limits = new TreeMap<>();
            if (definition.memoryBytes() > 0) {
                limits.put("memory", memory(definition.memoryBytes()));
            }
            if (definition.nanoCpus() > 0) {
                limits.put("cpu", cpu(definition.nanoCpus()));
            }
            if (!limits.isEmpty()) {
                container.withResources(
                        new ResourceRequirementsBuilder().withLimits(limits).build());
            }
            if (definition.privileged()) {
                container.withNewSecurityContext().withPrivileged(true).endSecurityContext();
            }
            for (int m = 0; m < template.volumeMountsOrEmpty().size(); m++) {
                ContainerTemplate.VolumeMount mount =
                        template.volumeMountsOrEmpty().get(m);
                ServiceSpec.VolumeData volume = spec.volumesOrEmpty().get(mount.name());
                boolean configMap = volume != null && volume.hostPath() == null && volume.files() != null;
                if (configMap && mount.subPath() != null && options.podman()) {
                    warn(
                            field + ".volume_mounts[" + m + "].sub_path",
                            "podman kube play (4.3) ignores subPath on a"
                                    + " ConfigMap volume: the file appears as " + mount.mountPath() + "/"
                                    + mount.subPath()
                                    + "; mount the volume on a directory instead");
                }
                if (configMap && !mount.isReadOnly()) {
                    warn(
                            field + ".volume_mounts[" + m + "].read_only",
                            "ConfigMap volumes are always read-only in"
                                    + " Kubernetes; a container cannot write the inline files");
                }
                container.addToVolumeMounts(new VolumeMountBuilder()
                        .withName(dnsLabel(mount.name()))
                        .withMountPath(mount.mountPath())
                        .withSubPath(mount.subPath())
                        .withReadOnly(mount.isReadOnly() ? Boolean.TRUE : null)
                        .build());
            }
            if (template.networkLimit() != null) {
                networkLimit(field + ".network_limit", template.networkLimit());
            }
            if (template.resourceThresholds() != null) {
                warn(
                        field + ".resource_thresholds",
                        "an HPA scales on the pod's containers together; container"
                                + " thresholds are not exported (Orbit never used them either)");
            }
            if (template.healthCheck() != null) {
                probes(container, field + ".health_check", template.healthCheck());
            }
            return container.build();
        }

        private void probes(ContainerBuilder container, String field, ContainerTemplate.HealthCheck check) {
            ProbeBuilder handler = new ProbeBuilder();
            @Nullable String timeout;
            @Nullable String period;
            @Nullable Integer failures;
            List<String> kinds = new ArrayList<>();
            if (check.httpCheck() != null) {
                ContainerTemplate.HttpCheck http = check.httpCheck();
                handler.withNewHttpGet()
                        .withPath(http.path() == null ? "/" : http.path())
                        .withPort(new IntOrString(http.port()))
                        .endHttpGet();
                timeout = http.timeout();
                period = http.period();
                failures = http.failureThreshold();
                kinds.add("http_check");
                if (http.expectedStatus() != null
                        && !http.expectedStatus().asText().equals("200-399")) {
                    warn(
                            field + ".http_check.expected_status",
                            "a Kubernetes httpGet probe passes on 200-399" + " only; '"
                                    + http.expectedStatus().asText() + "' is not exported");
                }
            } else if (check.tcpCheck() != null) {
                ContainerTemplate.TcpCheck tcp = check.tcpCheck();
                handler.withNewTcpSocket().withPort(new IntOrString(tcp.port())).endTcpSocket();
                timeout = tcp.timeout();
                period = tcp.period();
                failures = tcp.failureThreshold();
                kinds.add("tcp_check");
            } else if (check.execCheck() != null) {
                ContainerTemplate.ExecCheck exec = check.execCheck();
                handler.withNewExec().withCommand(exec.command()).endExec();
                timeout = exec.timeout();
                period = exec.period();
                failures = exec.failureThreshold();
                kinds.add("exec_check");
            } else {
                return;
            }
            if (check.httpCheck() != null && check.tcpCheck() != null) {
                warn(
                        field + ".tcp_check",
                        "a Kubernetes probe has one handler: the http_check is exported, the"
                                + " tcp_check (which it implies) is not");
            }
            if (check.execCheck() != null && !kinds.contains("exec_check")) {
                warn(
                        field + ".exec_check",
                        "a Kubernetes probe has one handler: the " + kinds.get(0)
                                + " is exported, the exec_check is not");
            }
            int timeoutSeconds = seconds(field, timeout, Duration.ofSeconds(5));
            int periodSeconds =
                    seconds(field, period != null ? period : check.livenessPeriod(), Duration.ofSeconds(10));
            int failureThreshold = failures != null
                    ? failures
                    : check.livenessFailureThreshold() != null ? check.livenessFailureThreshold() : 3;
            Probe liveness = new ProbeBuilder(handler.build())
                    .withTimeoutSeconds(timeoutSeconds)
                    .withPeriodSeconds(periodSeconds)
                    .withFailureThreshold(failureThreshold)
                    .build();
            container.withLivenessProbe(liveness);
            int startupFailures = check.startupFailureThreshold() == null ? 3 : check.startupFailureThreshold();
            if (options.podman()) {
                warn(
                        field,
                        "podman kube play runs the livenessProbe only (as a health check); the startupProbe and"
                                + " readinessProbe are not written");
                return;
            }
            container.withReadinessProbe(new ProbeBuilder(handler.build())
                    .withTimeoutSeconds(timeoutSeconds)
                    .withPeriodSeconds(periodSeconds)
                    .withFailureThreshold(1)
                    .build());
            if (startupFailures > 0) {
                int startup = seconds(field + ".startup_timeout", check.startupTimeout(), Duration.ofSeconds(30));
                container.withStartupProbe(new ProbeBuilder(handler.build())
                        .withTimeoutSeconds(timeoutSeconds)
                        .withPeriodSeconds(1)
                        .withFailureThreshold(Math.max(1, startup))
                        .build());
                warn(
                        field + ".startup_failure_threshold",
                        "Kubernetes restarts a container whose startupProbe"
                                + " fails, with its own back-off; Orbit's CrashLoop after " + startupFailures
                                + " startup timeouts is the kubelet's CrashLoopBackOff there");
            }
        }

        private void networkLimit(String field, ContainerTemplate.NetworkLimit limit) {
            if (options.podman()) {
                warn(field, "podman kube play does not shape bandwidth; not exported");
                return;
            }
            if (limit.ingressRate() != null) {
                annotations.merge("kubernetes.io/ingress-bandwidth", rate(limit.ingressRate()), KubeExporter::sumRates);
            }
            if (limit.egressRate() != null) {
                annotations.merge("kubernetes.io/egress-bandwidth", rate(limit.egressRate()), KubeExporter::sumRates);
            }
            if (limit.ingressBurst() != null || limit.egressBurst() != null) {
                warn(field, "the bandwidth annotations have no burst: bursts are not exported");
            }
            warn(
                    field,
                    "exported as the pod's kubernetes.io/*-bandwidth annotations, which the CNI bandwidth plugin"
                            + " enforces for the whole pod (Orbit limits each container)");
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

        private Deployment deployment(List<Container> containers) {
            Map<String, String> selector = selector();
            DeploymentBuilder deployment = new DeploymentBuilder()
                    .withMetadata(meta(service.name()))
                    .withNewSpec()
                    .withReplicas(service.minInstances())
                    .withNewSelector()
                    .withMatchLabels(selector)
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .withLabels(labels())
                    .withAnnotations(new TreeMap<>(annotations))
                    .endMetadata()
                    .withNewSpec()
                    .withContainers(containers)
                    .withVolumes(new ArrayList<>(podVolumes.values()))
                    .withHostAliases(hostAliases())
                    .endSpec()
                    .endTemplate()
                    .endSpec();
            if (!options.podman()) {
                ServiceSpec.RollingUpdateConfig update = spec.rollingUpdateConfig();
                int surge = update == null || update.maxSurge() == null ? 1 : update.maxSurge();
                int unavailable = update == null || update.maxUnavailable() == null ? 1 : update.maxUnavailable();
                deployment
                        .editSpec()
                        .withNewStrategy()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate()
                        .withMaxSurge(new IntOrString(surge))
                        .withMaxUnavailable(new IntOrString(unavailable))
                        .endRollingUpdate()
                        .endStrategy()
                        .withProgressDeadlineSeconds(seconds(
                                "rolling_update_config.timeout",
                                update == null ? null : update.timeout(),
                                Duration.ofSeconds(300)))
                        .endSpec();
                warn(
                        "rolling_update_config",
                        "a Deployment whose update misses progressDeadlineSeconds is marked"
                                + " failed but not rolled back: `kubectl rollout undo deployment/" + service.name()
                                + "` does what Orbit does by itself");
            } else if (service.minInstances() > 1 && hasHostPort(containers)) {
                // Podman 4 starts one pod per replica (NAME-pod-0, -1, ...), but a host port binds once.
                deployment.editSpec().withReplicas(1).endSpec();
                warn(
                        "instance_count.min",
                        "the pod publishes host ports, which only one pod can bind: podman kube"
                                + " play runs 1 pod, not " + service.minInstances()
                                + " (and has no proxy to balance over"
                                + " several)");
            }
            return deployment.build();
        }

        private static boolean hasHostPort(List<Container> containers) {
            return containers.stream()
                    .flatMap(container -> container.getPorts().stream())
                    .anyMatch(port -> port.getHostPort() != null);
        }

        private List<HostAlias> hostAliases() {
            // Orbit's siblings reach each other as <service>-<container> (and, in a pod of several, <container>);
            // in a Kubernetes pod they share localhost, so those names point at 127.0.0.1.
            TreeSet<String> names = new TreeSet<>();
            for (ContainerDefinition container : service.containers()) {
                names.add(service.name() + "-" + container.name());
                if (service.containers().size() > 1) {
                    names.add(container.name());
                }
            }
            return List.of(new HostAliasBuilder()
                    .withIp("127.0.0.1")
                    .withHostnames(new ArrayList<>(names))
                    .build());
        }

        private Optional<Service> nodePortService() {
            List<ServicePort> ports = new ArrayList<>();
            for (int c = 0; c < service.containers().size(); c++) {
                ContainerDefinition container = service.containers().get(c);
                for (int p = 0; p < container.ports().size(); p++) {
                    ContainerTemplate.PortSpec port = container.ports().get(p);
                    if (port.nodePort() == null) {
                        continue;
                    }
                    String name =
                            (port.protocol() == ContainerTemplate.Protocol.UDP ? "udp-" : "tcp-") + port.nodePort();
                    ServicePortBuilder built = new ServicePortBuilder()
                            .withName(name)
                            .withPort(port.nodePort())
                            .withTargetPort(new IntOrString(port.port()))
                            .withProtocol(
                                    port.protocol() == null
                                            ? "TCP"
                                            : port.protocol().name());
                    if (options.serviceType() == KubeOptions.ServiceType.NodePort) {
                        if (port.nodePort() >= 30000 && port.nodePort() <= 32767) {
                            built.withNodePort(port.nodePort());
                        } else {
                            warn(
                                    "spec.containers[" + c + "].ports[" + p + "].node_port",
                                    port.nodePort() + " is outside Kubernetes' NodePort range (30000-32767): the"
                                            + " Service listens on " + port.nodePort() + " inside the cluster and"
                                            + " the cluster picks the node port (or use --service-type"
                                            + " LoadBalancer)");
                        }
                    }
                    ports.add(built.build());
                }
            }
            if (ports.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ServiceBuilder()
                    .withMetadata(meta(service.name()))
                    .withNewSpec()
                    .withType(options.serviceType().name())
                    .withSelector(selector())
                    .withPorts(ports)
                    .endSpec()
                    .build());
        }

        private Optional<HorizontalPodAutoscaler> autoscaler() {
            ServiceSpec.ResourceThresholds thresholds = spec.resourceThresholds();
            ServiceSpec.Autoscaling autoscaling = spec.autoscaling();
            if (spec.codel() != null) {
                warn(
                        "codel",
                        "Kubernetes has no latency-driven scaling or load shedding built in; not exported"
                                + " (an HPA on a custom latency metric, or a mesh's outlier detection, comes closest)");
            }
            if (autoscaling != null && autoscaling.concurrencyTarget() != null) {
                warn(
                        "autoscaling.concurrency_target",
                        "scaling on requests in flight is Knative's KPA"
                                + " (autoscaling.knative.dev/target); an HPA cannot see requests: not exported");
            }
            if (thresholds == null) {
                if (autoscaling != null) {
                    warn(
                            "autoscaling",
                            "without resource_thresholds no HPA is written; the other autoscaling fields"
                                    + " are not exported");
                }
                return Optional.empty();
            }
            List<MetricSpec> metrics = new ArrayList<>();
            Integer cpuRelative = thresholds.cpuPercentageRelative();
            Integer cpu = cpuRelative != null ? cpuRelative : thresholds.cpuPercentage();
            if (cpu != null) {
                int target = cpu;
                if (cpuRelative == null) {
                    warn(
                            "resource_thresholds.cpu_percentage",
                            "Orbit measures it against the host's CPUs, an HPA"
                                    + " against the container's CPU request (its limit here): exported as " + target
                                    + "% utilisation, which is the same only for a limit of all the host's CPUs");
                }
                metrics.add(resourceMetric("cpu", target));
                if (service.containers().stream().anyMatch(c -> c.nanoCpus() == 0)) {
                    warn(
                            "resource_thresholds",
                            "CPU utilisation needs a CPU request on every container: set"
                                    + " cpu_limit, or the HPA reports no CPU metric");
                }
            }
            if (thresholds.memoryPercentage() != null) {
                metrics.add(resourceMetric("memory", thresholds.memoryPercentage()));
            }
            if (thresholds.metricsStrategy() == ServiceSpec.MetricsStrategy.max) {
                if (service.containers().size() > 1) {
                    warn(
                            "resource_thresholds.metrics_strategy",
                            "an HPA sums the usage of a pod's containers"
                                    + " against the sum of their requests (Orbit's 'average' comes closer than 'max')");
                }
            }
            if (metrics.isEmpty()) {
                return Optional.empty();
            }
            HorizontalPodAutoscalerBuilder hpa = new HorizontalPodAutoscalerBuilder()
                    .withMetadata(meta(service.name()))
                    .withNewSpec()
                    .withNewScaleTargetRef()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName(service.name())
                    .endScaleTargetRef()
                    .withMinReplicas(Math.max(1, service.minInstances()))
                    .withMaxReplicas(service.maxInstances())
                    .withMetrics(metrics)
                    .endSpec();
            behavior(hpa, autoscaling);
            return Optional.of(hpa.build());
        }

        private void behavior(HorizontalPodAutoscalerBuilder hpa, ServiceSpec.@Nullable Autoscaling autoscaling) {
            ServiceSpec.ScalingPolicy policy = spec.scalingPolicy();
            int cooldown = seconds(
                    "scaling_policy.cooldown_duration",
                    policy == null ? null : policy.cooldownDuration(),
                    Duration.ofSeconds(60));
            ServiceSpec.ScaleDown down = autoscaling == null ? null : autoscaling.scaleDown();
            ServiceSpec.ScaleUp up = autoscaling == null ? null : autoscaling.scaleUp();
            int stabilization = seconds(
                    "autoscaling.scale_down.stabilization_window",
                    down == null ? null : down.stabilizationWindow(),
                    Duration.ofMinutes(5));
            List<HPAScalingPolicy> downPolicies = List.of(
                    policy("Pods", down == null || down.maxPods() == null ? 1 : down.maxPods(), cooldown),
                    policy("Percent", down == null || down.maxPercent() == null ? 50 : down.maxPercent(), cooldown));
            int upPeriod =
                    seconds("autoscaling.scale_up.period", up == null ? null : up.period(), Duration.ofSeconds(15));
            List<HPAScalingPolicy> upPolicies = List.of(
                    policy("Pods", up == null || up.maxPods() == null ? 4 : up.maxPods(), upPeriod),
                    policy("Percent", up == null || up.maxPercent() == null ? 100 : up.maxPercent(), upPeriod));
            hpa.editSpec()
                    .withNewBehavior()
                    .withScaleDown(new HPAScalingRulesBuilder()
                            .withStabilizationWindowSeconds(stabilization)
                            .withSelectPolicy("Max")
                            .withPolicies(downPolicies)
                            .build())
                    .withScaleUp(new HPAScalingRulesBuilder()
                            .withStabilizationWindowSeconds(0)
                            .withSelectPolicy("Max")
                            .withPolicies(upPolicies)
                            .build())
                    .endBehavior()
                    .endSpec();
            if (policy != null && policy.scaleDownThresholdPercentage() != null) {
                warn(
                        "scaling_policy.scale_down_threshold_percentage",
                        "an HPA has no share-of-pods rule; its"
                                + " stabilization window keeps the highest recent recommendation instead");
            }
            if (autoscaling != null) {
                if (autoscaling.tolerance() != null) {
                    warn(
                            "autoscaling.tolerance",
                            "the HPA's tolerance is the controller manager's"
                                    + " --horizontal-pod-autoscaler-tolerance (0.1), not a field of the object");
                }
                if (autoscaling.warmup() != null) {
                    warn(
                            "autoscaling.warmup",
                            "the controller manager's"
                                    + " --horizontal-pod-autoscaler-cpu-initialization-period, not a field of the object");
                }
                for (String field : new String[] {"stable_window", "panic_window", "panic_threshold", "idle_period"}) {
                    Object value = switch (field) {
                        case "stable_window" -> autoscaling.stableWindow();
                        case "panic_window" -> autoscaling.panicWindow();
                        case "panic_threshold" -> autoscaling.panicThreshold();
                        default -> autoscaling.idlePeriod();
                    };
                    if (value != null) {
                        warn("autoscaling." + field, "belongs to concurrency scaling (Knative's KPA); not exported");
                    }
                }
            }
        }

        private HPAScalingPolicy policy(String type, int value, int period) {
            return new HPAScalingPolicyBuilder()
                    .withType(type)
                    .withValue(value)
                    .withPeriodSeconds(Math.max(1, Math.min(1800, period)))
                    .build();
        }

        private MetricSpec resourceMetric(String resource, int percent) {
            return new MetricSpecBuilder()
                    .withType("Resource")
                    .withNewResource()
                    .withName(resource)
                    .withNewTarget()
                    .withType("Utilization")
                    .withAverageUtilization(percent)
                    .endTarget()
                    .endResource()
                    .build();
        }

        /** Whole seconds, at least 1, rounded up (Kubernetes has no finer unit), with a warning when rounded. */
        private int seconds(String field, @Nullable String humantime, Duration fallback) {
            Duration duration = humantime == null ? fallback : Units.duration(humantime);
            long millis = duration.toMillis();
            long seconds = Math.max(1, (millis + 999) / 1000);
            if (millis % 1000 != 0 || millis == 0) {
                warn(field, humantime + " rounded up to " + seconds + "s: Kubernetes counts whole seconds");
            }
            return (int) Math.min(Integer.MAX_VALUE, seconds);
        }

        private ObjectMeta meta(String name) {
            return new ObjectMetaBuilder()
                    .withName(name)
                    .withNamespace(options.namespace().orElse(null))
                    .withLabels(labels())
                    .build();
        }

        private Map<String, String> selector() {
            return Map.of(NAME, service.name(), "app.kubernetes.io/instance", service.name());
        }

        private Map<String, String> labels() {
            Map<String, String> labels = new TreeMap<>(selector());
            labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
            labels.put("app.kubernetes.io/part-of", "orbit");
            return labels;
        }
    }

    private static @Nullable Integer mode(@Nullable String permissions) {
        return Integer.parseInt(permissions == null ? "0644" : permissions, 8);
    }

    /** Bytes as the largest binary unit that divides them (134217728 as 128Mi). */
    static Quantity memory(long bytes) {
        String[] units = {"Gi", "Mi", "Ki"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes % sizes[i] == 0) {
                return new Quantity(Long.toString(bytes / sizes[i]), units[i]);
            }
        }
        return new Quantity(Long.toString(bytes));
    }

    /** Nano-CPUs as millicores (500m), or whole CPUs when whole. */
    static Quantity cpu(long nanoCpus) {
        if (nanoCpus % 1_000_000_000L == 0) {
            return new Quantity(Long.toString(nanoCpus / 1_000_000_000L));
        }
        return new Quantity(Long.toString(Math.max(1, (nanoCpus + 999_999) / 1_000_000)), "m");
    }

    /** An Orbit rate (decimal bits per second) as the bandwidth annotation's quantity: 10Mbps as 10M. */
    private static String rate(String value) {
        long bits = Units.bitsPerSecond(value);
        return bitsQuantity(bits);
    }

    private static String bitsQuantity(long bits) {
        if (bits % 1_000_000_000L == 0) {
            return bits / 1_000_000_000L + "G";
        }
        if (bits % 1_000_000L == 0) {
            return bits / 1_000_000L + "M";
        }
        if (bits % 1_000L == 0) {
            return bits / 1_000L + "k";
        }
        return Long.toString(bits);
    }

    private static String sumRates(String a, String b) {
        return bitsQuantity(parseBits(a) + parseBits(b));
    }

    private static long parseBits(String quantity) {
        char unit = quantity.charAt(quantity.length() - 1);
        long factor = switch (unit) {
            case 'G' -> 1_000_000_000L;
            case 'M' -> 1_000_000L;
            case 'k' -> 1_000L;
            default -> 1L;
        };
        String digits = factor == 1 ? quantity : quantity.substring(0, quantity.length() - 1);
        return Long.parseLong(digits) * factor;
    }

    /** A DNS-1123 label: lower case, '-' for anything else, at most 63 characters. */
    static String dnsLabel(String name) {
        String label =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return label.length() > 63 ? label.substring(0, 63).replaceAll("-+$", "") : label;
    }

    /** A DNS-1123 subdomain (names of claims): lower case, '-' and '.', at most 253 characters. */
    static String dnsSubdomain(String name) {
        String label =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[-.]+|[-.]+$", "");
        return label.length() > 253 ? label.substring(0, 253) : label;
    }
}
