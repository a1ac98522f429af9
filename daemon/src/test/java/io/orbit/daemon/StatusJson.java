package io.orbit.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/** Reading the daemon's API answers: {@code /status} (an array of services), {@code /problems} and {@code /metrics}. */
final class StatusJson {

    private StatusJson() {}

    static boolean hasService(JsonNode status, String name) {
        return StreamSupport.stream(status.spliterator(), false)
                .anyMatch(service -> service.path("service_name").asText().equals(name));
    }

    static JsonNode service(JsonNode status, String name) {
        return StreamSupport.stream(status.spliterator(), false)
                .filter(service -> service.path("service_name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no service " + name + " in /status: " + status));
    }

    /** The service's {@code running_pods}, or -1 while /status does not list it. */
    static int runningPods(JsonNode status, String name) {
        return hasService(status, name)
                ? service(status, name).path("running_pods").asInt(-1)
                : -1;
    }

    /** When the daemon last observed the service: advances with every reconcile pass. */
    static Instant observedAt(JsonNode status, String name) {
        return Instant.parse(service(status, name).path("observed_at").asText());
    }

    /** Every container of every pod of these services. */
    static List<JsonNode> containers(JsonNode status, String... names) {
        List<JsonNode> containers = new ArrayList<>();
        for (String name : names) {
            service(status, name)
                    .path("pods")
                    .forEach(pod -> pod.path("containers").forEach(containers::add));
        }
        return containers;
    }

    /** The problems of one file on {@code /problems}. */
    static List<JsonNode> problemsAbout(JsonNode problems, String file) {
        return StreamSupport.stream(problems.spliterator(), false)
                .filter(problem -> problem.path("file").asText().equals(file))
                .toList();
    }

    /** The {@code orbit_service_instances} sample of one service with that value, in Prometheus text. */
    static Pattern instancesGauge(String service, int pods) {
        return Pattern.compile(
                "^orbit_service_instances\\{service=\"" + Pattern.quote(service) + "\",?} " + pods + "(\\.0)?$",
                Pattern.MULTILINE);
    }
}
