package io.orbit.daemon.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orbit status [SERVICE]}: the daemon's services, or one service's pods and containers. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the running daemon's services, or one service's pods and containers.",
            "Without SERVICE: a table of pods running/desired, min/max and the last error. With SERVICE: its pods and"
                    + " containers with state, IP, published ports and when they started."
        })
final class StatusCommand extends DaemonCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "One service in detail.")
    @Nullable
    String service;

    @Option(names = "--json", description = "Print the daemon's JSON answer as it is.")
    boolean json;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        String path = service == null ? "/status" : "/services/" + ControlClient.segment(service);
        ControlClient.Answer answer = ControlClient.expectSuccess(daemon.get(path, Duration.ofSeconds(10)));
        if (json) {
            out.print(answer.body());
        } else if (service == null) {
            out.print(StatusTable.services(answer.json()));
        } else {
            out.print(StatusTable.service(answer.json(), Instant.now()));
        }
        return 0;
    }
}
