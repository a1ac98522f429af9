package io.orbit.engine.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code spec.containers} (ORBIT-REFERENCE §2.3). {@code env}, {@code env_file} (one dotenv file or a
 * list of them) and {@code secrets} (Compose's short form, a secret's name, or its long form, a mapping; see {@code
 * SecretRules}) are our additions; everything else is Orbit's.
 */
public record ContainerTemplate(
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) String image,
        @Nullable List<String> command,
        @Nullable Map<String, String> env,
        @Nullable Boolean privileged,
        @Nullable List<PortSpec> ports,
        @Nullable List<VolumeMount> volumeMounts,
        @Nullable JsonNode memoryLimit,
        @Nullable JsonNode cpuLimit,
        @Nullable NetworkLimit networkLimit,
        ServiceSpec.@Nullable ResourceThresholds resourceThresholds,
        @Nullable HealthCheck healthCheck,
        @Nullable JsonNode envFile,
        @Nullable List<JsonNode> secrets) {

    public List<PortSpec> portsOrEmpty() {
        return ports == null ? List.of() : ports;
    }

    public List<String> commandOrEmpty() {
        return command == null ? List.of() : command;
    }

    public Map<String, String> envOrEmpty() {
        return env == null ? Map.of() : env;
    }

    public List<JsonNode> secretsOrEmpty() {
        return secrets == null ? List.of() : secrets;
    }

    public List<VolumeMount> volumeMountsOrEmpty() {
        return volumeMounts == null ? List.of() : volumeMounts;
    }

    /**
     * {@code port} is the container port; {@code target_port} a host port published on all interfaces; {@code
     * node_port} the proxy's listener port.
     */
    public record PortSpec(
            @JsonProperty(required = true) int port,
            @Nullable Integer targetPort,
            @Nullable Integer nodePort,
            @Nullable Protocol protocol) {}

    public enum Protocol {
        TCP,
        UDP
    }

    /** {@code read_only} defaults to true, as in Orbit. */
    public record VolumeMount(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String mountPath,
            @Nullable String subPath,
            @Nullable Boolean readOnly) {

        public boolean isReadOnly() {
            return readOnly == null || readOnly;
        }
    }

    public record NetworkLimit(
            @Nullable String ingressRate,
            @Nullable String egressRate,
            @Nullable String ingressBurst,
            @Nullable String egressBurst) {}

    /**
     * Defaults (ORBIT-REFERENCE §2.3): startup 30 s / 3, liveness 10 s / 3, tcp timeout 5 s. {@code http_check} and
     * {@code exec_check} are our additions; every check a container declares must pass.
     */
    public record HealthCheck(
            @Nullable String startupTimeout,
            @Nullable Integer startupFailureThreshold,
            @Nullable String livenessPeriod,
            @Nullable Integer livenessFailureThreshold,
            @Nullable TcpCheck tcpCheck,
            @Nullable HttpCheck httpCheck,
            @Nullable ExecCheck execCheck) {}

    /** {@code period} and {@code failure_threshold} override the liveness values for this check (Orbit ignored them). */
    public record TcpCheck(
            @JsonProperty(required = true) int port,
            @Nullable String timeout,
            @Nullable String period,
            @Nullable Integer failureThreshold) {}

    /**
     * An HTTP GET of {@code path} on {@code port}, passing when the status is in {@code expected_status}: a number
     * ({@code 200}) or a range ({@code "200-399"}, the default).
     */
    public record HttpCheck(
            @JsonProperty(required = true) int port,
            @Nullable String path,
            @Nullable JsonNode expectedStatus,
            @Nullable String timeout,
            @Nullable String period,
            @Nullable Integer failureThreshold) {}

    /** A command run in the container through the engine; exit code 0 passes. */
    public record ExecCheck(
            @JsonProperty(required = true) List<String> command,
            @Nullable String timeout,
            @Nullable String period,
            @Nullable Integer failureThreshold) {}
}
