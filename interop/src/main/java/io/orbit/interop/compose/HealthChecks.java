package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.scalar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code healthcheck}: a test Orbit recognises ({@code curl}/{@code wget} of a local URL, {@code nc -z}) becomes an
 * HTTP or TCP probe, anything else an exec probe; the timings become the health check's.
 */
final class HealthChecks {

    /** The command of a Compose test: its words, and whether they are one shell command line. */
    private record Test(List<String> argv, boolean shell) {}

    private final ServiceDraft draft;
    private final Ports ports;

    HealthChecks(ServiceDraft draft, Ports ports) {
        this.draft = draft;
        this.ports = ports;
    }

    void healthCheck(JsonNode check) {
        if (check.path("disable").asBoolean(false)) {
            return;
        }
        Optional<Test> test = test(check.path("test"));
        if (test.isEmpty()) {
            return;
        }
        long interval = durationField(check, "interval").orElse(30_000L);
        long timeout = durationField(check, "timeout").orElse(30_000L);
        long startPeriod = durationField(check, "start_period").orElse(0L);
        int retries = check.path("retries").asInt(3);
        ObjectNode health = JsonNodeFactory.instance.objectNode();
        health.put("startup_timeout", ComposeUnits.humantime(startPeriod + interval * Math.max(1, retries)));
        if (check.has("interval") && interval > 0) {
            health.put("liveness_period", ComposeUnits.humantime(interval));
        }
        if (check.has("retries")) {
            health.put("liveness_failure_threshold", Math.max(1, retries));
        }
        ObjectNode probeNode = probe(health, test.get());
        if (check.has("timeout") && timeout > 0) {
            probeNode.put("timeout", ComposeUnits.humantime(timeout));
        }
        if (check.has("start_interval")) {
            draft.warn(
                    "healthcheck.start_interval", "Orbit probes a starting container every 500 ms; not carried over");
        }
        draft.healthCheck = health;
    }

    /** The test in one of its forms ({@code [CMD, ...]}, {@code [CMD-SHELL, "..."]}, a string); empty: no probe. */
    private Optional<Test> test(JsonNode test) {
        if (test.isTextual()) {
            return Optional.of(new Test(List.of(test.asText()), true));
        }
        if (!test.isArray() || test.isEmpty()) {
            draft.warn(
                    "healthcheck",
                    "has no test (it would inherit the image's HEALTHCHECK, which Orbit does not"
                            + " run); not carried over");
            return Optional.empty();
        }
        String form = test.get(0).asText();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < test.size(); i++) {
            rest.add(test.get(i).asText());
        }
        return switch (form) {
            case "NONE" -> Optional.empty();
            case "CMD" -> Optional.of(new Test(rest, false));
            case "CMD-SHELL" -> Optional.of(new Test(List.of(String.join(" ", rest)), true));
            default ->
                throw draft.error(
                        "healthcheck.test", "starts with '" + form + "'; Compose accepts CMD, CMD-SHELL or NONE");
        };
    }

    private ObjectNode probe(ObjectNode health, Test test) {
        Optional<List<String>> simple =
                test.shell() ? HealthProbes.simpleShellCommand(test.argv().get(0)) : Optional.of(test.argv());
        Optional<HealthProbes.Probe> probe = simple.flatMap(HealthProbes::recognise);
        if (probe.isPresent() && probe.get() instanceof HealthProbes.Http http) {
            ObjectNode node = health.putObject("http_check");
            node.put("port", http.port());
            node.put("path", http.path());
            if (http.anyStatus()) {
                node.put("expected_status", "100-599");
            }
            ports.ensurePort(http.port());
            return node;
        }
        if (probe.isPresent() && probe.get() instanceof HealthProbes.Tcp tcp) {
            ObjectNode node = health.putObject("tcp_check");
            node.put("port", tcp.port());
            ports.ensurePort(tcp.port());
            return node;
        }
        ObjectNode node = health.putObject("exec_check");
        ArrayNode command = node.putArray("command");
        if (test.shell()) {
            command.add("/bin/sh").add("-c").add(test.argv().get(0));
        } else {
            test.argv().forEach(command::add);
        }
        return node;
    }

    private Optional<Long> durationField(JsonNode check, String field) {
        if (!check.hasNonNull(field)) {
            return Optional.empty();
        }
        Optional<Long> millis = ComposeUnits.millis(scalar(check.get(field)));
        if (millis.isEmpty()) {
            throw draft.error(
                    "healthcheck." + field, "'" + scalar(check.get(field)) + "' is not a duration (30s, 1m30s, 500ms)");
        }
        return millis;
    }
}
