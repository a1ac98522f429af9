package io.orbit.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.orbit.daemon.dashboard.Dashboard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's one handler, for both listeners (the TCP address and the control socket): match the endpoint, check who
 * may call it ({@link ControlAccess}), answer. Every refusal and bad request is a JSON {@code {"error", "fix"}} with
 * a 4xx status; an unexpected failure is a 500 and never takes the daemon down.
 *
 * <p>Before the endpoint is matched: the body is read (bounded, see {@link #readBody}), and {@link BrowserGuard} checks
 * {@code Host} (TCP only) and {@code Origin}, so a web page in a local browser can neither read nor change anything.
 *
 * <p>Blocking: long polls ({@code /events?wait}) and log reads (follows and plain reads, which stream as fast as the
 * client reads) hold their thread, so at most {@value #MAX_HELD_REQUESTS} are held at once per listener (503 beyond
 * that), which leaves threads for everything else. Each listener ({@link ApiServer}) has its own instance, hence its
 * own limit.
 *
 * <p>Longer than 300 lines: every route's answer in one switch over the sealed ApiEndpoint, so that no route can be missed.
 */
final class ApiRoutes extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final int MAX_HELD_REQUESTS = 16;
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** On /status: {@code allowed} or {@code denied}, whether service files may reach into the host. */
    static final String HOST_ACCESS_HEADER = "Orbit-Host-Access";
    /** Whether the daemon's state is written ({@code ok}, {@code failing since TIME}, {@code off}); details in /healthz. */
    static final String STATE_STORE_HEADER = "Orbit-State-Store";

    private final ReadEndpoints reads;
    private final ServiceCommands commands;
    private final EventsEndpoint events;
    private final ServiceLogs logs;
    private final ControlAccess access;
    private final BrowserGuard guard;
    private final Dashboard dashboard;
    private final Semaphore held = new Semaphore(MAX_HELD_REQUESTS);

    private final LocalTcpPeers localPeers;

    ApiRoutes(
            ReadEndpoints reads,
            ServiceCommands commands,
            EventsEndpoint events,
            ServiceLogs logs,
            ControlAccess access,
            BrowserGuard guard,
            Dashboard dashboard,
            LocalTcpPeers localPeers) {
        this.dashboard = dashboard;
        this.localPeers = localPeers;
        this.reads = reads;
        this.commands = commands;
        this.events = events;
        this.logs = logs;
        this.access = access;
        this.guard = guard;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        readBody(request, response, callback, new ByteArrayOutputStream());
        return true;
    }

    /**
     * Reads the request's body (at most {@value #MAX_BODY_BYTES} bytes) before anything is answered, without holding a
     * thread while it arrives. Every answer, refusals included, thus leaves the connection ready for the next request:
     * a body left unread would make Jetty close a keep-alive connection after an answer that did not say so, and the
     * client's next request on it would fail. A larger body is refused with 413 and {@code Connection: close}.
     */
    private void readBody(Request request, Response response, Callback callback, ByteArrayOutputStream body) {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(() -> readBody(request, response, callback, body));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                callback.failed(chunk.getFailure());
                return;
            }
            int length = chunk.remaining();
            if (body.size() + length > MAX_BODY_BYTES) {
                chunk.release();
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                respondJson(
                        response,
                        callback,
                        413,
                        Map.of(
                                "error",
                                "the body is larger than " + MAX_BODY_BYTES + " bytes",
                                "fix",
                                "send {\"replicas\": N} to /scale and no body to the other endpoints"));
                return;
            }
            if (length > 0) {
                byte[] bytes = new byte[length];
                chunk.getByteBuffer().get(bytes);
                body.write(bytes, 0, length);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                serve(request, response, callback, body.toByteArray());
                return;
            }
        }
    }

    private void serve(Request request, Response response, Callback callback, byte[] body) {
        String path = Request.getPathInContext(request);
        try {
            Caller caller = caller(request);
            Optional<String> host = Optional.ofNullable(request.getHeaders().get(HttpHeader.HOST));
            if (caller instanceof Caller.OverTcp) {
                guard.checkHost(host, Optional.ofNullable(request.getHttpURI().getHost()));
            }
            guard.checkOrigin(
                    caller instanceof Caller.OverTcp ? host : Optional.empty(),
                    Optional.ofNullable(request.getHeaders().get(HttpHeader.ORIGIN)),
                    Optional.ofNullable(request.getHeaders().get("Sec-Fetch-Site")));
            ApiEndpoint endpoint = ApiEndpoint.match(request.getMethod(), path);
            access.check(endpoint, caller);
            answer(endpoint, caller, request, response, callback, body);
        } catch (ApiException refused) {
            refused.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            respondJson(response, callback, refused.status(), refused.body());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            fail(response, callback, 503, Map.of("error", "the daemon is stopping", "fix", "ask again"), stopping);
        } catch (RuntimeException | IOException e) {
            log.atError().addKeyValue("path", path).log("API request failed: " + e, e);
            fail(
                    response,
                    callback,
                    500,
                    Map.of("error", "internal error: " + e.getMessage(), "fix", "see the daemon's log"),
                    e);
        }
    }

    /** An error answer, unless the answer already started (a log stream): then the exchange is aborted. */
    private static void fail(Response response, Callback callback, int status, Object body, Throwable cause) {
        if (response.isCommitted()) {
            callback.failed(cause);
        } else {
            respondJson(response, callback, status, body);
        }
    }

    private void answer(
            ApiEndpoint endpoint, Caller caller, Request request, Response response, Callback callback, byte[] body)
            throws InterruptedException, IOException {
        Fields query = Request.extractQueryParameters(request);
        switch (endpoint) {
            case ApiEndpoint.Status s -> {
                // /status is Orbit's JSON array: the daemon-wide host access policy goes in a header
                response.getHeaders().put(HOST_ACCESS_HEADER, reads.hostAccess());
                response.getHeaders().put(STATE_STORE_HEADER, reads.stateStoreHeader());
                respondJson(response, callback, 200, reads.status());
            }
            case ApiEndpoint.Service service -> respondJson(response, callback, 200, reads.service(service.name()));
            case ApiEndpoint.Metrics m ->
                respond(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", reads.metrics());
            case ApiEndpoint.Health h -> {
                Map.Entry<Integer, Map<String, Object>> health = reads.health();
                respondJson(response, callback, health.getKey(), health.getValue());
            }
            case ApiEndpoint.Problems p -> respondJson(response, callback, 200, reads.problems());
            case ApiEndpoint.Events e -> {
                Optional<String> wait = parameter(query, "wait");
                if (wait.filter(seconds -> !seconds.equals("0")).isPresent()) {
                    holding(() -> respondJson(response, callback, 200, events.events(parameter(query, "after"), wait)));
                } else {
                    respondJson(response, callback, 200, events.events(parameter(query, "after"), wait));
                }
            }
            case ApiEndpoint.Logs l -> {
                ServiceLogs.Query logQuery = ServiceLogs.query(parameter(query, "tail"), parameter(query, "follow"));
                // A read streams for as long as the client takes to read it: held like a follow.
                holding(() -> streamLogs(l.service(), logQuery, response, callback));
            }
            case ApiEndpoint.Scale scale ->
                respondJson(response, callback, 200, commands.scale(scale.service(), body, caller));
            case ApiEndpoint.Restart restart ->
                respondJson(response, callback, 202, commands.restart(restart.service(), caller));
            case ApiEndpoint.Rollout rollout ->
                respondJson(response, callback, 200, commands.rollout(rollout.service()));
            case ApiEndpoint.RolloutUndo undo ->
                respondJson(response, callback, 202, commands.undo(undo.service(), caller));
            case ApiEndpoint.RolloutRetry retry ->
                respondJson(response, callback, 202, commands.retry(retry.service(), caller));
            case ApiEndpoint.UiAsset asset -> dashboard(endpoint, caller, request, response, callback, query);
            case ApiEndpoint.UiStream stream -> dashboard(endpoint, caller, request, response, callback, query);
            case ApiEndpoint.UiSeries series -> dashboard(endpoint, caller, request, response, callback, query);
            case ApiEndpoint.UiSession session -> dashboard(endpoint, caller, request, response, callback, query);
        }
    }

    /** The dashboard's routes: its files, its live stream, a service's series, and what this caller may change. */
    private void dashboard(
            ApiEndpoint endpoint, Caller caller, Request request, Response response, Callback callback, Fields query) {
        switch (endpoint) {
            case ApiEndpoint.UiAsset asset -> {
                if (!dashboard.assets().serve(asset.file(), request, response, callback)) {
                    throw new ApiException(
                            404, "no such dashboard file " + asset.file(), "open the dashboard at / or /ui/");
                }
            }
            case ApiEndpoint.UiStream s -> {
                if (!dashboard.stream().subscribe(response, callback, parameter(query, "service"))) {
                    throw new ApiException(
                            503,
                            "too many open dashboard pages",
                            "close a dashboard tab; the page reconnects by itself");
                }
            }
            case ApiEndpoint.UiSeries series -> {
                reads.service(series.service()); // a 404 naming the known services
                respondJson(response, callback, 200, dashboard.series(series.service()));
            }
            case ApiEndpoint.UiSession s -> respondJson(response, callback, 200, session(caller));
            default -> throw new IllegalStateException("not a dashboard route: " + endpoint);
        }
    }

    /**
     * Whether this caller may change services, so the dashboard enables its buttons (or says why not): the same check
     * as a change, without changing anything.
     */
    private Map<String, Object> session(Caller caller) {
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        try {
            access.check(new ApiEndpoint.Restart("-"), caller);
            answer.put("changes", true);
            answer.put("as", caller.describe());
        } catch (ApiException refused) {
            answer.put("changes", false);
            answer.put("status", refused.status());
            answer.put("error", refused.body().get("error"));
            answer.put("fix", refused.body().get("fix"));
        }
        return answer;
    }

    /** A request that holds its thread, within the limit. */
    private void holding(HeldRequest work) throws InterruptedException, IOException {
        if (!held.tryAcquire()) {
            throw new ApiException(
                    503,
                    "too many waiting requests on this listener (at most %d long polls and log reads at once)"
                            .formatted(MAX_HELD_REQUESTS),
                    "stop another 'orbit events --follow' or 'orbit logs', or ask again later");
        }
        try {
            work.run();
        } finally {
            held.release();
        }
    }

    @FunctionalInterface
    private interface HeldRequest {
        void run() throws InterruptedException, IOException;
    }

    private void streamLogs(String service, ServiceLogs.Query query, Response response, Callback callback)
            throws InterruptedException {
        logs.sources(service); // a 404 before the answer starts
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson; charset=utf-8");
        try {
            logs.write(service, query, (text, flush) -> {
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
                    written.block();
                }
            });
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
        } catch (ApiException before) {
            if (response.isCommitted()) {
                callback.failed(before);
            } else {
                throw before;
            }
        } catch (IOException clientGone) {
            callback.failed(clientGone);
        }
    }

    private Caller caller(Request request) {
        if (request.getConnectionMetaData().getConnector() instanceof UnixDomainServerConnector) {
            return new Caller.OverSocket(PeerCredentials.of(
                    request.getConnectionMetaData().getConnection().getEndPoint()));
        }
        SocketAddress server = request.getConnectionMetaData().getLocalSocketAddress();
        SocketAddress client = request.getConnectionMetaData().getRemoteSocketAddress();
        return new Caller.OverTcp(
                Request.getRemoteAddr(request),
                Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                "dashboard".equals(request.getHeaders().get(Caller.OverTcp.CLIENT_HEADER)),
                Caller.OverTcp.once(
                        () -> server instanceof InetSocketAddress local && client instanceof InetSocketAddress remote
                                ? localPeers.of(local, remote)
                                : Optional.empty()));
    }

    private static Optional<String> parameter(Fields query, String name) {
        return Optional.ofNullable(query.getValue(name));
    }

    /** A body as every JSON answer shows it. */
    static String render(Object body) throws JsonProcessingException {
        return JSON.writeValueAsString(body);
    }

    static void respondJson(Response response, Callback callback, int status, Object body) {
        try {
            respond(response, callback, status, "application/json", render(body) + "\n");
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
