package io.orbit.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orbit logs SERVICE [--follow] [--tail N]}: the output of the service's containers, merged. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the output of a service's containers, merged across its pods.",
            "What the containers of SERVICE wrote to stdout and stderr, by time, each line prefixed with"
                    + " SERVICE/POD/CONTAINER. With --follow, keeps printing new lines (containers started meanwhile"
                    + " included) until Ctrl-C."
        })
final class LogsCommand extends DaemonCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines.")
    boolean follow;

    @Option(
            names = {"-n", "--tail"},
            paramLabel = "N",
            description = "Start with the last N lines of each container, or 'all'. Default: ${DEFAULT-VALUE}.",
            defaultValue = "100")
    String tail;

    @Option(
            names = {"-t", "--timestamps"},
            description = "Prefix each line with the time the engine received it.")
    boolean timestamps;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        if (!tail.equals("all") && !tail.matches("\\d+")) {
            throw new CommandFailure(
                    "--tail must be a number of lines or 'all', got '" + tail + "'",
                    "e.g. orbit logs " + service + " --tail 50");
        }
        PrintWriter err = spec.commandLine().getErr();
        String path = "/services/%s/logs?tail=%s&follow=%s"
                .formatted(ControlClient.segment(service), ControlClient.segment(tail), follow);
        daemon.stream(path, json -> {
            if (json.isBlank()) {
                return; // the daemon's keep-alive
            }
            JsonNode line = parse(json);
            if (line.has("notice")) {
                err.println("orbit logs: " + line.path("notice").asText());
                err.flush();
                return;
            }
            out.println(format(service, line, timestamps));
            if (follow) {
                out.flush();
            }
        });
        return 0;
    }

    /** {@code web/0/main | text}, with the time first when asked. */
    static String format(String service, JsonNode line, boolean timestamps) {
        String prefix = "%s/%d/%s | "
                .formatted(
                        service,
                        line.path("pod").asInt(),
                        line.path("container").asText());
        return (timestamps ? line.path("time").asText() + " " : "")
                + prefix
                + line.path("text").asText();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CommandFailure(
                    "the daemon sent a line that is not JSON: " + json, "check that the daemon is an orbit daemon");
        }
    }
}
