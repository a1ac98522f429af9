package io.orbit.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.lifecycle.Managed;
import io.orbit.daemon.runtime.RuntimeMonitor;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only API on {@code --api-address} (127.0.0.1:4112 by default):
 *
 * <pre>
 *   GET /status    Orbit's service status array, true values plus our fields
 *   GET /metrics   Prometheus text
 *   GET /healthz   the daemon itself: 200 when the engine answers, 503 with the reason otherwise
 *   GET /problems  the problems of the last configuration load
 * </pre>
 *
 * Anything else is a 404 (or 405) with a JSON error body.
 */
public final class ApiServer implements Managed {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final DaemonOptions options;
    private final StatusStore status;
    private final DesiredState desired;
    private final RuntimeMonitor engine;
    private final PrometheusMeterRegistry registry;
    private Server server;

    @Inject
    ApiServer(
            DaemonOptions options,
            StatusStore status,
            DesiredState desired,
            RuntimeMonitor engine,
            PrometheusMeterRegistry registry) {
        this.options = options;
        this.status = status;
        this.desired = desired;
        this.engine = engine;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "api server";
    }

    @Override
    public void start() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("orbit-api");
        threads.setDaemon(true);
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(options.apiAddress().getHostString());
        connector.setPort(options.apiAddress().getPort());
        server.addConnector(connector);
        server.setHandler(new Routes());
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw new IllegalStateException(
                    "cannot listen on %s:%d for the API: %s (free the port or pass --api-address)"
                            .formatted(
                                    options.apiAddress().getHostString(),
                                    options.apiAddress().getPort(),
                                    e.getMessage()),
                    e);
        }
        log.atInfo()
                .addKeyValue(
                        "address", "http://" + options.apiAddress().getHostString() + ":" + connector.getLocalPort())
                .log("status server running");
    }

    /** The bound port (useful when the API address asked for port 0). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private final class Routes extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (!HttpMethod.GET.is(request.getMethod())) {
                respondJson(
                        response,
                        callback,
                        405,
                        Map.of(
                                "error",
                                "method " + request.getMethod() + " not allowed on " + path
                                        + "; the API is read-only"));
                return true;
            }
            try {
                switch (path) {
                    case "/status" ->
                        respondJson(
                                response,
                                callback,
                                200,
                                StatusView.services(
                                        status.services(), engine.state().limitations()));
                    case "/metrics" ->
                        respond(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                    case "/healthz" -> health(response, callback);
                    case "/problems" ->
                        respondJson(
                                response,
                                callback,
                                200,
                                problems(desired.snapshot().problems()));
                    default ->
                        respondJson(
                                response,
                                callback,
                                404,
                                Map.of(
                                        "error",
                                        "no such endpoint " + path + "; try /status, /metrics, /healthz or /problems"));
                }
            } catch (RuntimeException e) {
                log.atError().log("API request " + path + " failed: " + e.getMessage(), e);
                respondJson(response, callback, 500, Map.of("error", String.valueOf(e.getMessage())));
            }
            return true;
        }
    }

    private void health(Response response, Callback callback) {
        RuntimeMonitor.EngineState state = engine.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", state.info().isPresent() ? "ok" : "engine unreachable");
        body.put(
                "engine",
                state.info().map(info -> info.engine() + " " + info.version()).orElse(null));
        body.put("error", state.error().orElse(null));
        body.put("warnings", state.limitations());
        respondJson(response, callback, state.info().isPresent() ? 200 : 503, body);
    }

    private static List<Map<String, String>> problems(List<SpecProblem> problems) {
        return problems.stream()
                .map(problem -> Map.of(
                        "file", problem.file().toString(),
                        "field", problem.fieldPath(),
                        "severity", problem.severity().name().toLowerCase(java.util.Locale.ROOT),
                        "message", problem.message(),
                        "text", problem.toString()))
                .toList();
    }

    private static void respondJson(Response response, Callback callback, int status, Object body) {
        try {
            respond(response, callback, status, "application/json", JSON.writeValueAsString(body) + "\n");
        } catch (JsonProcessingException e) {
            respond(response, callback, 500, "text/plain", "cannot render JSON: " + e.getMessage());
        }
    }

    private static void respond(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
