package io.orbit.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.http.EngineHttpClient;
import io.orbit.runtime.http.EngineResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The daemon that answers on the control socket, as its {@code /healthz} describes it: the runtime, engine socket and
 * config directory it runs with. {@code orbit doctor}, {@code plan} and {@code validate} (without DIR) follow it, so a
 * user running the demo on Podman over {@code examples/} is not told about Docker and a missing {@code configs}.
 *
 * @param controlSocket where it answered
 * @param runtimeSocket empty when the daemon could not say (an engine it never found)
 * @param apiAddress its {@code --api-address} (doctor checks that address and the node ports the daemon holds)
 */
record RunningDaemon(
        Path controlSocket,
        DaemonOptions.Runtime runtime,
        Optional<String> runtimeSocket,
        Path configDirectory,
        Optional<String> apiAddress) {

    /** A daemon that does not answer at once is not followed: the command goes on with its own defaults. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /**
     * Asks the control socket the CLI would use for {@code orbit status}; empty when none answers (or an older daemon
     * does not say), never a failure.
     */
    static Optional<RunningDaemon> ask(OrbitCommand options) {
        Optional<Path> socket = ControlClient.controlSocketOf(options);
        if (socket.isEmpty() || !Files.exists(socket.get())) {
            return Optional.empty();
        }
        try (EngineHttpClient client = EngineHttpClient.open(socket.get(), "start the orbit daemon")) {
            EngineResponse answer = client.call("GET", "/healthz", null, TIMEOUT);
            return parse(socket.get(), answer.json());
        } catch (RuntimeException notAnswering) {
            return Optional.empty();
        }
    }

    static Optional<RunningDaemon> parse(Path socket, JsonNode health) {
        String runtime = health.path("runtime").asText("");
        String directory = health.path("config_directory").asText("");
        if (runtime.isEmpty() || directory.isEmpty()) {
            return Optional.empty();
        }
        DaemonOptions.Runtime engine;
        try {
            engine = DaemonOptions.Runtime.valueOf(runtime.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
        JsonNode engineSocket = health.path("runtime_socket");
        JsonNode api = health.path("api_address");
        return Optional.of(new RunningDaemon(
                socket,
                engine,
                engineSocket.isTextual() ? Optional.of(engineSocket.asText()) : Optional.empty(),
                Path.of(directory),
                api.isTextual() ? Optional.of(api.asText()) : Optional.empty()));
    }
}
