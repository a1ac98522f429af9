package io.orbit.daemon.cli;

import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orbit scale SERVICE N}: pins the service's replica count, within its instance_count; {@code orbit scale
 * SERVICE --auto} releases the pin, so the autoscaler decides again.
 */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description = {
            "Sets how many pods of a service run.",
            "N is kept within the min and max of the service's instance_count (a number outside is clamped, and the"
                    + " answer says to what). The count holds until the next scale, `--auto` or a restart of the"
                    + " daemon; while it holds, it overrides the autoscaler.",
            "With --auto instead of N, the pin is released and the autoscaler decides the count again."
        })
final class ScaleCommand extends DaemonCommand {

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "Pods to run (0 or more).")
    @Nullable
    Integer replicas;

    @Option(names = "--auto", description = "Release the pin: the autoscaler decides the count again.")
    boolean auto;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        Integer requested = this.replicas;
        if (auto == (requested != null)) {
            throw new CommandFailure(
                    "give either N or --auto",
                    "e.g. orbit scale " + service + " 3, or orbit scale " + service + " --auto");
        }
        if (requested == null) { // --auto
            ControlClient.Answer released = ControlClient.expectSuccess(daemon.post(
                    "/services/" + ControlClient.segment(service) + "/scale", ControlClient.autoScaleBody()));
            out.println(released.json().path("message").asText());
            return 0;
        }
        int replicas = requested;
        if (replicas < 0) {
            throw new CommandFailure("N must be 0 or more, got " + replicas, "e.g. orbit scale " + service + " 3");
        }
        ControlClient.Answer answer = ControlClient.expectSuccess(daemon.post(
                "/services/" + ControlClient.segment(service) + "/scale", ControlClient.scaleBody(replicas)));
        out.println(answer.json().path("message").asText());
        return 0;
    }
}
