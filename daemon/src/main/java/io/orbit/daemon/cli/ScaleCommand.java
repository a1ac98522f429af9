package io.orbit.daemon.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orbit scale SERVICE N}: pins the service's replica count, within its instance_count. */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description = {
            "Sets how many pods of a service run.",
            "N is kept within the min and max of the service's instance_count (a number outside is clamped, and the"
                    + " answer says to what). The count holds until the next scale or a restart of the daemon."
        })
final class ScaleCommand extends DaemonCommand {

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "N", description = "Pods to run (0 or more).")
    int replicas;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        if (replicas < 0) {
            throw new CommandFailure("N must be 0 or more, got " + replicas, "e.g. orbit scale " + service + " 3");
        }
        ControlClient.Answer answer = ControlClient.expectSuccess(daemon.post(
                "/services/" + ControlClient.segment(service) + "/scale", ControlClient.scaleBody(replicas)));
        out.println(answer.json().path("message").asText());
        return 0;
    }
}
