package io.orbit.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orbit rollout status|undo|retry SERVICE}, as {@code kubectl rollout} does it. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = {
            "Shows and steers a service's rolling update: status (exit code 1 when rolled back), undo (back to the"
                    + " previous spec that ran well), retry (try a failed spec again).",
            "A changed service file (or 'orbit restart') rolls the pods: new pods start within max_surge, an old pod goes"
                    + " only once a ready new one stands in for it. A new spec whose pods exit, fail their checks or are"
                    + " not ready within the timeout is rolled back by itself and not tried again until the file changes."
        })
final class RolloutCommand extends DaemonCommand {

    enum Action {
        status,
        undo,
        retry
    }

    @Parameters(index = "0", paramLabel = "ACTION", description = "status, undo or retry")
    Action action;

    @Parameters(index = "1", paramLabel = "SERVICE")
    String service;

    @Override
    int run(ControlClient daemon, PrintWriter out) {
        String path = "/services/" + ControlClient.segment(service) + "/rollout";
        if (action == Action.status) {
            JsonNode rollout = ControlClient.expectSuccess(daemon.get(path, Duration.ofSeconds(10)))
                    .json();
            out.println(describe(service, rollout));
            return rollout.path("phase").asText().equals("rolled_back") ? 1 : 0;
        }
        JsonNode answer = ControlClient.expectSuccess(daemon.post(path + "/" + action.name(), Map.of()))
                .json();
        out.println(answer.path("message").asText());
        return 0;
    }

    /** {@code web: progressing, 2 of 3 pod(s) on spec abc, 1 ready — …}. */
    static String describe(String service, JsonNode rollout) {
        return "%s: %s, %d of %d pod(s) on spec %s, %d ready — %s"
                .formatted(
                        service,
                        rollout.path("phase").asText().replace('_', ' '),
                        rollout.path("updated").asInt(),
                        rollout.path("wanted").asInt(),
                        rollout.path("running_hash").asText("?"),
                        rollout.path("ready").asInt(),
                        rollout.path("message").asText());
    }
}
