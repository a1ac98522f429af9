package io.orbit.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.daemon.api.ApiToken;
import io.orbit.daemon.api.ControlSocket;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.http.EngineHttpClient;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.EngineStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The CLI's way to the running daemon. Reads and changes go over the control socket (HTTP over a Unix socket, with
 * the engine client's transport: HttpClient 5 on junixsocket); reads fall back to the TCP {@code --api-address} when
 * the socket cannot be reached (not there, or not ours to open), and changes go over TCP with {@code --api-token}, but
 * only to an {@code --api-address} given on the command line: never to the default (or {@code orbit.yaml}'s)
 * 127.0.0.1:4112, where another local user could listen while the daemon is down and collect the token. Error answers of the daemon ({@code {"error", "fix"}}) and unreachable daemons become {@link CommandFailure}s.
 *
 * <p>Longer than 300 lines: both transports and the rule that keeps the token off addresses not given on the command line, in the one class every command goes through.
 */
final class ControlClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** An answer of the daemon: status and body. */
    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new CommandFailure(
                        "the daemon answered %d with something that is not JSON: %s".formatted(status, body.strip()),
                        "check that --api-address and --control-socket point at an orbit daemon");
            }
        }
    }

    private final Optional<Path> socket;
    private final InetSocketAddress tcpAddress;
    private final Optional<ApiToken> token;
    private final boolean addressGiven;
    private @Nullable EngineHttpClient unixClient;
    private @Nullable HttpClient tcpClient;

    /**
     * @param addressGiven whether {@code tcpAddress} was given on the command line: only then may the token go there
     */
    ControlClient(Optional<Path> socket, InetSocketAddress tcpAddress, Optional<ApiToken> token, boolean addressGiven) {
        this.socket = socket;
        this.tcpAddress = tcpAddress;
        this.token = token;
        this.addressGiven = addressGiven;
    }

    /**
     * The client for the options of {@code orbit}: the socket named or found, the TCP address, the token file.
     *
     * @param addressGiven whether {@code --api-address} was on the command line
     */
    static ControlClient of(OrbitCommand options, boolean addressGiven) {
        Optional<Path> socket = controlSocketOf(options);
        Optional<ApiToken> token;
        try {
            token = options.apiToken.map(ApiToken::read);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(
                    Objects.requireNonNullElse(e.getMessage(), e.toString()), "fix the file named by --api-token");
        }
        return new ControlClient(socket, OrbitCommand.parseAddress(options.apiAddress), token, addressGiven);
    }

    /** The control socket named ({@code --control-socket}) or found for {@code --instance}; empty for {@code none}. */
    static Optional<Path> controlSocketOf(OrbitCommand options) {
        if (options.controlSocket.isPresent()) {
            return options.controlSocketPath();
        }
        List<Path> candidates = ControlSocket.candidates(options.instance, System.getenv(), ControlSocket.isRoot());
        return Optional.of(candidates.stream().filter(Files::exists).findFirst().orElse(candidates.get(0)));
    }

    /** One path segment, e.g. a service name. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A read: the control socket, else the TCP API. */
    Answer get(String path, Duration timeout) {
        Optional<String> socketProblem = socketProblem();
        if (socketProblem.isEmpty()) {
            try {
                return overSocket("GET", path, null, timeout);
            } catch (RuntimeUnavailableException e) {
                socketProblem = Optional.of(reason(e));
            }
        }
        try {
            return overTcp("GET", path, null, timeout, false);
        } catch (IOException e) {
            throw unreachable(socketProblem.orElse("not used"), e);
        }
    }

    /** A change: the control socket, else the TCP API with the token. */
    Answer post(String path, Object body) {
        Optional<String> socketProblem = socketProblem();
        if (socketProblem.isEmpty()) {
            try {
                return overSocket("POST", path, body, TIMEOUT);
            } catch (RuntimeUnavailableException e) {
                socketProblem = Optional.of(reason(e));
            }
        }
        if (token.isEmpty()) {
            throw new CommandFailure(
                    "cannot reach the daemon's control socket %s: %s"
                            .formatted(socket.map(Path::toString).orElse("(none)"), socketProblem.orElseThrow()),
                    "start the daemon if it is not running; run this as root, as the daemon's user or as a member of"
                            + " its --control-group; pass --control-socket (or --instance) of the running daemon; or"
                            + " pass --api-address HOST:PORT and --api-token FILE to send the change over the TCP API");
        }
        if (!addressGiven) {
            throw new CommandFailure(
                    ("cannot reach the daemon's control socket %s: %s; the API token is not sent to %s:%d, which"
                                    + " was not given with --api-address (another local user could be listening there)")
                            .formatted(
                                    socket.map(Path::toString).orElse("(none)"),
                                    socketProblem.orElseThrow(),
                                    tcpAddress.getHostString(),
                                    tcpAddress.getPort()),
                    "start the daemon if it is not running; run this as root, as the daemon's user or as a member of"
                            + " its --control-group; pass --control-socket (or --instance) of the running daemon; or"
                            + " name the daemon's TCP API on the command line: --api-address HOST:PORT --api-token FILE");
        }
        try {
            return overTcp("POST", path, body, TIMEOUT, true);
        } catch (IOException e) {
            throw unreachable(socketProblem.orElse("not used"), e);
        }
    }

    /** A read whose answer streams (JSON lines); each line goes to {@code lines} as it comes. */
    void stream(String path, Consumer<String> lines) {
        Optional<String> socketProblem = socketProblem();
        if (socketProblem.isEmpty()) {
            try (EngineStream stream = unixClient().stream("GET", path, null)) {
                if (!stream.isSuccess()) {
                    throw failure(new Answer(stream.status(), stream.readRemaining()));
                }
                readLines(stream.body(), lines);
                return;
            } catch (RuntimeUnavailableException e) {
                socketProblem = Optional.of(reason(e));
            }
        }
        try {
            HttpResponse<Stream<String>> response = tcpClient()
                    .send(tcpRequest("GET", path, null, Duration.ZERO, false), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() >= 300) {
                throw failure(new Answer(
                        response.statusCode(), String.join("\n", response.body().toList())));
            }
            try (Stream<String> body = response.body()) {
                body.forEach(lines);
            }
        } catch (IOException e) {
            throw unreachable(socketProblem.orElse("not used"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted", "ask again");
        }
    }

    /** The answer of a successful call, else the daemon's error and fix as a failure. */
    static Answer expectSuccess(Answer answer) {
        if (answer.status() >= 200 && answer.status() < 300) {
            return answer;
        }
        throw failure(answer);
    }

    private static CommandFailure failure(Answer answer) {
        try {
            JsonNode error = JSON.readTree(answer.body());
            if (error.path("error").isTextual()) {
                return new CommandFailure(
                        error.path("error").asText(),
                        error.path("fix").asText("the daemon answered " + answer.status()));
            }
        } catch (JsonProcessingException notJson) {
            // reported below
        }
        return new CommandFailure(
                "the daemon answered %d: %s"
                        .formatted(answer.status(), answer.body().strip()),
                "see the daemon's log");
    }

    private Answer overSocket(String method, String path, @Nullable Object body, Duration timeout) {
        EngineResponse response = unixClient().call(method, path, body, timeout);
        return new Answer(response.status(), response.bodyText());
    }

    private Answer overTcp(String method, String path, @Nullable Object body, Duration timeout, boolean withToken)
            throws IOException {
        try {
            HttpResponse<String> response = tcpClient()
                    .send(tcpRequest(method, path, body, timeout, withToken), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted", "ask again");
        }
    }

    private HttpRequest tcpRequest(
            String method, String path, @Nullable Object body, Duration timeout, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://" + tcpAddress.getHostString() + ":" + tcpAddress.getPort() + path));
        if (!timeout.isZero()) {
            request.timeout(timeout);
        }
        if (withToken) {
            token.ifPresent(secret -> request.header("Authorization", secret.authorization()));
        }
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        try {
            return request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + body, e);
        }
    }

    /** Why the socket is not worth trying, or empty when it is. */
    private Optional<String> socketProblem() {
        if (socket.isEmpty()) {
            return Optional.of("--control-socket none");
        }
        if (!Files.exists(socket.get())) {
            return Optional.of("no such socket file (is the daemon running, with this --instance?)");
        }
        return Optional.empty();
    }

    private String reason(RuntimeUnavailableException e) {
        String message = String.valueOf(
                e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        if (message.contains("Permission denied") || message.contains("EACCES")) {
            return "permission denied (the socket is for root, the daemon's user and its --control-group)";
        }
        if (message.contains("Connection refused") || message.contains("ECONNREFUSED")) {
            return "connection refused (a socket file without a daemon: the daemon is not running)";
        }
        return message;
    }

    private CommandFailure unreachable(String socketProblem, IOException tcpFailure) {
        return new CommandFailure(
                "cannot reach the orbit daemon: control socket %s: %s; TCP API %s:%d: %s"
                        .formatted(
                                socket.map(Path::toString).orElse("(none)"),
                                socketProblem,
                                tcpAddress.getHostString(),
                                tcpAddress.getPort(),
                                tcpFailure instanceof java.net.ConnectException
                                        ? "connection refused (nothing listens there)"
                                        : String.valueOf(tcpFailure.getMessage())),
                "start the daemon (orbit -c DIR), or point at the running one with --control-socket, --instance or"
                        + " --api-address");
    }

    private static void readLines(java.io.InputStream body, Consumer<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.accept(line);
            }
        } catch (IOException e) {
            throw new CommandFailure(
                    "the daemon's answer broke off: " + e.getMessage(), "check whether the daemon still runs");
        }
    }

    private EngineHttpClient unixClient() {
        if (unixClient == null) {
            unixClient = EngineHttpClient.open(socket.orElseThrow(), "start the orbit daemon");
        }
        return unixClient;
    }

    private HttpClient tcpClient() {
        if (tcpClient == null) {
            tcpClient = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        }
        return tcpClient;
    }

    @Override
    public void close() {
        if (unixClient != null) {
            unixClient.close();
        }
        if (tcpClient != null) {
            tcpClient.close();
        }
    }

    static Map<String, Object> scaleBody(int replicas) {
        return Map.of("replicas", replicas);
    }

    /** Releases a pin: the autoscaler decides the count again. */
    static Map<String, Object> autoScaleBody() {
        return Map.of("replicas", "auto");
    }
}
