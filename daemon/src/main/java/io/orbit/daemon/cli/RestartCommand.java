package io.orbit.daemon.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orbit restart SERVICE}: replaces every pod, one at a time, new before old. */
@Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description = {
            "Replaces every pod of a service, one at a time, new before old.",
            "Each new pod starts before an old one is removed. Returns at once; 'orbit events --follow' shows the pods"
                    + " being replaced."
        })
final class RestartCommand extends DaemonCommand {

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        ControlClient.Answer answer = ControlClient.expectSuccess(
                daemon.post("/services/" + ControlClient.segment(service) + "/restart", java.util.Map.of()));
        out.println(answer.json().path("message").asText());
        return 0;
    }
}
