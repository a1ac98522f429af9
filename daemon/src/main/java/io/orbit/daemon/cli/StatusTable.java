package io.orbit.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code orbit status} as text: a table of services from {@code GET /status}, or one service's pods and containers
 * from {@code GET /services/NAME}. Pure: it reads the JSON the daemon serves and the current time.
 */
final class StatusTable {

    /** Longer errors are cut in the services table; {@code orbit status SERVICE} shows them whole. */
    static final int ERROR_WIDTH = 60;

    private StatusTable() {}

    /** One line per service: name, running/desired pods, min/max, last error. */
    static String services(JsonNode status) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("SERVICE", "PODS", "MIN/MAX", "LAST ERROR"));
        for (JsonNode service : status) {
            rows.add(List.of(
                    service.path("service_name").asText(),
                    service.path("running_pods").asInt() + "/"
                            + service.path("desired_replicas").asInt(),
                    service.path("min_instances").asInt() + "/"
                            + service.path("max_instances").asInt(),
                    cut(text(service.path("last_error")).orElse("-"), ERROR_WIDTH)));
        }
        if (rows.size() == 1) {
            return "no services (put service files in the daemon's config directory)\n";
        }
        return table(rows);
    }

    /** A service's summary, then one line per container: pod, state, IP, published ports, when it started. */
    static String service(JsonNode service, Instant now) {
        StringBuilder text = new StringBuilder();
        text.append("%s%s: %d/%d pods running (min %d, max %d)%n"
                .formatted(
                        service.path("service_name").asText(),
                        text(service.path("file"))
                                .map(file -> " (" + file + ")")
                                .orElse(""),
                        service.path("running_pods").asInt(),
                        service.path("desired_replicas").asInt(),
                        service.path("min_instances").asInt(),
                        service.path("max_instances").asInt()));
        text(service.path("last_error"))
                .ifPresent(error -> text.append("last error: ").append(error).append('\n'));
        service.path("warnings")
                .forEach(warning ->
                        text.append("warning: ").append(warning.asText()).append('\n'));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("POD", "UUID", "HEALTH", "RESTARTS", "CONTAINER", "STATE", "IP", "PUBLISHED", "STARTED"));
        List<String> problems = new ArrayList<>();
        for (JsonNode pod : service.path("pods")) {
            String number =
                    pod.path("pod_number").asText() + (pod.path("current").asBoolean(true) ? "" : "*");
            String uuid = cut(pod.path("uuid").asText(), 8, "");
            problems.addAll(podProblems(pod));
            for (JsonNode container : pod.path("containers")) {
                rows.add(List.of(
                        number,
                        uuid,
                        text(pod.path("state")).orElse("-"),
                        pod.path("restart_count").asText("0"),
                        container.path("container_name").asText(),
                        container.path("state").asText()
                                + (container.path("state").asText().equals("exited")
                                        ? " (" + container.path("exit_code").asInt() + ")"
                                        : ""),
                        text(container.path("ip_address")).orElse("-"),
                        published(container.path("published_ports")),
                        text(container.path("started_at"))
                                .map(started -> age(started, now))
                                .orElse("-")));
            }
        }
        if (rows.size() == 1) {
            text.append("no pods\n");
        } else {
            text.append('\n').append(table(rows));
        }
        problems.forEach(problem -> text.append(problem).append('\n'));
        if (rows.stream().anyMatch(row -> row.get(0).endsWith("*"))) {
            text.append("* runs an outdated spec; it is replaced one pod at a time\n");
        }
        return text.toString();
    }

    /** What went wrong with a pod, and its last restart: lines printed under the table. */
    private static List<String> podProblems(JsonNode pod) {
        List<String> problems = new ArrayList<>();
        text(pod.path("problem"))
                .ifPresent(
                        problem -> problems.add("pod " + pod.path("pod_number").asText() + ": " + problem));
        text(pod.path("last_restart_reason"))
                .ifPresent(
                        reason -> problems.add("pod " + pod.path("pod_number").asText() + " last restarted: " + reason
                                + text(pod.path("next_restart_at"))
                                        .map(at -> "; next restart at " + at)
                                        .orElse("")));
        return problems;
    }

    private static String published(JsonNode ports) {
        List<String> published = new ArrayList<>();
        for (JsonNode port : ports) {
            published.add("%s:%d->%d/%s"
                    .formatted(
                            port.path("host_ip").asText(),
                            port.path("host_port").asInt(),
                            port.path("container_port").asInt(),
                            port.path("protocol").asText("tcp")));
        }
        return published.isEmpty() ? "-" : String.join(",", published);
    }

    /** {@code 42s ago}, {@code 12m ago}, {@code 5h ago}, {@code 3d ago}. */
    static String age(String startedAt, Instant now) {
        try {
            Duration age = Duration.between(Instant.parse(startedAt), now);
            if (age.isNegative()) {
                return "just now";
            }
            long seconds = age.toSeconds();
            if (seconds < 60) {
                return seconds + "s ago";
            }
            if (seconds < 3600) {
                return age.toMinutes() + "m ago";
            }
            if (seconds < 86_400) {
                return age.toHours() + "h ago";
            }
            return age.toDays() + "d ago";
        } catch (DateTimeParseException e) {
            return startedAt;
        }
    }

    /** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
    static String table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int column = 0; column < columns; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < columns; column++) {
                line.append(column == columns - 1 ? row.get(column) : pad(row.get(column), widths[column] + 2));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    private static String pad(String cell, int width) {
        return cell + " ".repeat(Math.max(0, width - cell.length()));
    }

    private static String cut(String text, int width) {
        return cut(text, width, "…");
    }

    private static String cut(String text, int width, String ellipsis) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - ellipsis.length()) + ellipsis;
    }

    private static java.util.Optional<String> text(JsonNode node) {
        return node.isNull() || node.isMissingNode() || node.asText().isBlank()
                ? java.util.Optional.empty()
                : java.util.Optional.of(node.asText());
    }
}
