package io.orbit.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orbit events [--follow]}: the daemon's journal; with --follow, new entries as they happen. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the daemon's journal of what it did and why.",
            "Pods started and removed and why, failed passes, configuration loads, scales and restarts (the daemon"
                    + " keeps the last 2000). With --follow, waits for new entries until Ctrl-C."
        })
final class EventsCommand extends DaemonCommand {

    /** How long one long poll is held; the daemon caps it at 60 s. */
    static final Duration POLL = Duration.ofSeconds(30);

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new entries.")
    boolean follow;

    @Option(names = "--service", paramLabel = "SERVICE", description = "Only the entries about this service.")
    Optional<String> service;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        long after = 0;
        do {
            String path = "/events?after=" + after + (follow ? "&wait=" + POLL.toSeconds() : "");
            JsonNode entries = ControlClient.expectSuccess(daemon.get(path, POLL.plusSeconds(15)))
                    .json();
            for (JsonNode entry : entries) {
                after = Math.max(after, entry.path("sequence").asLong());
                if (service.isEmpty()
                        || service.get().equals(entry.path("service").asText())) {
                    out.println(line(entry));
                }
            }
            out.flush();
        } while (follow);
        return 0;
    }

    /** {@code 2026-11-26T02:11:00Z  pod-started        web/3f2a9c1e  started pod 0: …}. */
    static String line(JsonNode entry) {
        String time = entry.path("time").asText();
        try {
            time = Instant.parse(time).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException keepAsSent) {
            // printed as the daemon sent it
        }
        String subject =
                entry.path("service").isTextual() ? entry.path("service").asText() : "-";
        if (entry.path("pod").isTextual()) {
            String pod = entry.path("pod").asText();
            subject += "/" + (pod.length() > 8 ? pod.substring(0, 8) : pod);
        }
        return "%s  %-18s %-24s %s"
                .formatted(
                        time,
                        entry.path("kind").asText(),
                        subject,
                        entry.path("message").asText())
                .stripTrailing();
    }
}
