package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.orbit.engine.spec.ContainerTemplate;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An Orbit health check as liveness, readiness and startup probes (liveness only for podman kube play). */
final class ProbeExport {

    /** The one handler a Kubernetes probe has, with the Orbit check's own timings (null: the health check's). */
    private record Handler(
            ProbeBuilder probe,
            String kind,
            @Nullable String timeout,
            @Nullable String period,
            @Nullable Integer failures) {}

    private final ServiceExport export;

    ProbeExport(ServiceExport export) {
        this.export = export;
    }

    void probes(ContainerBuilder container, String field, ContainerTemplate.HealthCheck check) {
        Optional<Handler> found = handler(field, check);
        if (found.isEmpty()) {
            return;
        }
        Handler handler = found.get();
        if (check.httpCheck() != null && check.tcpCheck() != null) {
            export.warn(
                    field + ".tcp_check",
                    "a Kubernetes probe has one handler: the http_check is exported, the"
                            + " tcp_check (which it implies) is not");
        }
        if (check.execCheck() != null && !handler.kind().equals("exec_check")) {
            export.warn(
                    field + ".exec_check",
                    "a Kubernetes probe has one handler: the " + handler.kind()
                            + " is exported, the exec_check is not");
        }
        int timeoutSeconds = export.seconds(field, handler.timeout(), Duration.ofSeconds(5));
        int periodSeconds = export.seconds(
                field, handler.period() != null ? handler.period() : check.livenessPeriod(), Duration.ofSeconds(10));
        int failureThreshold = handler.failures() != null
                ? handler.failures()
                : check.livenessFailureThreshold() != null ? check.livenessFailureThreshold() : 3;
        container.withLivenessProbe(new ProbeBuilder(handler.probe().build())
                .withTimeoutSeconds(timeoutSeconds)
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .build());
        if (export.options.podman()) {
            export.warn(
                    field,
                    "podman kube play runs the livenessProbe only (as a health check); the startupProbe and"
                            + " readinessProbe are not written");
            return;
        }
        container.withReadinessProbe(new ProbeBuilder(handler.probe().build())
                .withTimeoutSeconds(timeoutSeconds)
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(1)
                .build());
        startupProbe(container, field, check, handler, timeoutSeconds);
    }

    private Optional<Handler> handler(String field, ContainerTemplate.HealthCheck check) {
        ProbeBuilder probe = new ProbeBuilder();
        if (check.httpCheck() != null) {
            ContainerTemplate.HttpCheck http = check.httpCheck();
            probe.withNewHttpGet()
                    .withPath(http.path() == null ? "/" : http.path())
                    .withPort(new IntOrString(http.port()))
                    .endHttpGet();
            if (http.expectedStatus() != null && !http.expectedStatus().asText().equals("200-399")) {
                export.warn(
                        field + ".http_check.expected_status",
                        "a Kubernetes httpGet probe passes on 200-399" + " only; '"
                                + http.expectedStatus().asText() + "' is not exported");
            }
            return Optional.of(
                    new Handler(probe, "http_check", http.timeout(), http.period(), http.failureThreshold()));
        }
        if (check.tcpCheck() != null) {
            ContainerTemplate.TcpCheck tcp = check.tcpCheck();
            probe.withNewTcpSocket().withPort(new IntOrString(tcp.port())).endTcpSocket();
            return Optional.of(new Handler(probe, "tcp_check", tcp.timeout(), tcp.period(), tcp.failureThreshold()));
        }
        if (check.execCheck() != null) {
            ContainerTemplate.ExecCheck exec = check.execCheck();
            probe.withNewExec().withCommand(exec.command()).endExec();
            return Optional.of(
                    new Handler(probe, "exec_check", exec.timeout(), exec.period(), exec.failureThreshold()));
        }
        return Optional.empty();
    }

    private void startupProbe(
            ContainerBuilder container,
            String field,
            ContainerTemplate.HealthCheck check,
            Handler handler,
            int timeoutSeconds) {
        int startupFailures = check.startupFailureThreshold() == null ? 3 : check.startupFailureThreshold();
        if (startupFailures <= 0) {
            return;
        }
        int startup = export.seconds(field + ".startup_timeout", check.startupTimeout(), Duration.ofSeconds(30));
        container.withStartupProbe(new ProbeBuilder(handler.probe().build())
                .withTimeoutSeconds(timeoutSeconds)
                .withPeriodSeconds(1)
                .withFailureThreshold(Math.max(1, startup))
                .build());
        export.warn(
                field + ".startup_failure_threshold",
                "Kubernetes restarts a container whose startupProbe"
                        + " fails, with its own back-off; Orbit's CrashLoop after " + startupFailures
                        + " startup timeouts is the kubelet's CrashLoopBackOff there");
    }
}
