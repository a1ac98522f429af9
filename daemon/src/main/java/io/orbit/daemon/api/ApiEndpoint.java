package io.orbit.daemon.api;

import java.util.List;

/**
 * The API's endpoints, matched from a method and a path. Whether an endpoint changes state decides who may call it
 * ({@link ControlAccess}).
 *
 * <pre>
 *   GET  /status                      every service (Orbit's shape plus our fields)
 *   GET  /services/{name}             one service, as in /status
 *   GET  /services/{name}/logs        its containers' output, merged (?tail=N&amp;follow=true)
 *   GET  /events                      the journal (?after=SEQUENCE&amp;wait=SECONDS)
 *   GET  /metrics /healthz /problems
 *   POST /services/{name}/scale       {"replicas": N}
 *   POST /services/{name}/restart     a rolling restart
 *   GET  /services/{name}/rollout     where its rollout stands
 *   POST /services/{name}/rollout/undo   back to the previous good spec
 *   POST /services/{name}/rollout/retry  try a failed spec again
 *   GET  / and /ui/                   the dashboard's page; /ui/{file} its files
 *   GET  /ui/stream                   the dashboard's Server-Sent Events (?service=NAME adds its charts)
 *   GET  /ui/series/{name}            a service's charts of the last 15 minutes
 *   GET  /ui/session                  whether this caller may change services (the dashboard's buttons)
 * </pre>
 */
sealed interface ApiEndpoint {

    /** Reads are open to whoever reaches the API; changes need the control socket's trusted users or the token. */
    enum Access {
        READ,
        CHANGE
    }

    record Status() implements ApiEndpoint {}

    record Metrics() implements ApiEndpoint {}

    record Health() implements ApiEndpoint {}

    record Problems() implements ApiEndpoint {}

    record Events() implements ApiEndpoint {}

    record Service(String name) implements ApiEndpoint {}

    record Logs(String service) implements ApiEndpoint {}

    record Scale(String service) implements ApiEndpoint {}

    record Restart(String service) implements ApiEndpoint {}

    record Rollout(String service) implements ApiEndpoint {}

    record RolloutUndo(String service) implements ApiEndpoint {}

    record RolloutRetry(String service) implements ApiEndpoint {}

    /** A file of the dashboard ({@code index.html} for {@code /} and {@code /ui/}). */
    record UiAsset(String file) implements ApiEndpoint {}

    record UiStream() implements ApiEndpoint {}

    record UiSeries(String service) implements ApiEndpoint {}

    record UiSession() implements ApiEndpoint {}

    String ENDPOINTS = "GET /status, /services/{name}, /services/{name}/logs, /services/{name}/rollout, /events,"
            + " /metrics, /healthz, /problems; POST /services/{name}/scale, /services/{name}/restart,"
            + " /services/{name}/rollout/undo, /services/{name}/rollout/retry; the dashboard at / and /ui/";

    default Access access() {
        return switch (this) {
            case Status s -> Access.READ;
            case Metrics m -> Access.READ;
            case Health h -> Access.READ;
            case Problems p -> Access.READ;
            case Events e -> Access.READ;
            case Service s -> Access.READ;
            case Logs l -> Access.READ;
            case Scale s -> Access.CHANGE;
            case Restart r -> Access.CHANGE;
            case Rollout r -> Access.READ;
            case RolloutUndo u -> Access.CHANGE;
            case RolloutRetry r -> Access.CHANGE;
            case UiAsset a -> Access.READ;
            case UiStream s -> Access.READ;
            case UiSeries s -> Access.READ;
            case UiSession s -> Access.READ;
        };
    }

    /**
     * The endpoint of a request.
     *
     * @param path decoded, without query
     * @throws ApiException 404 for an unknown path, 405 for a known path with another method
     */
    static ApiEndpoint match(String method, String path) {
        List<String> segments = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
        ApiEndpoint endpoint = switch (segments.size()) {
            case 1 ->
                switch (segments.get(0)) {
                    case "status" -> new Status();
                    case "metrics" -> new Metrics();
                    case "healthz" -> new Health();
                    case "problems" -> new Problems();
                    case "events" -> new Events();
                    case "", "ui" -> new UiAsset("index.html");
                    default -> null;
                };
            case 2 ->
                switch (segments.get(0)) {
                    case "services" -> new Service(segments.get(1));
                    case "ui" ->
                        switch (segments.get(1)) {
                            case "stream" -> new UiStream();
                            case "session" -> new UiSession();
                            default -> new UiAsset(segments.get(1));
                        };
                    default -> null;
                };
            case 3 ->
                segments.get(0).equals("ui") && segments.get(1).equals("series")
                        ? new UiSeries(segments.get(2))
                        : !segments.get(0).equals("services")
                                ? null
                                : switch (segments.get(2)) {
                                    case "logs" -> new Logs(segments.get(1));
                                    case "scale" -> new Scale(segments.get(1));
                                    case "restart" -> new Restart(segments.get(1));
                                    case "rollout" -> new Rollout(segments.get(1));
                                    default -> null;
                                };
            case 4 ->
                !segments.get(0).equals("services") || !segments.get(2).equals("rollout")
                        ? null
                        : switch (segments.get(3)) {
                            case "undo" -> new RolloutUndo(segments.get(1));
                            case "retry" -> new RolloutRetry(segments.get(1));
                            default -> null;
                        };
            default -> null;
        };
        if (endpoint == null) {
            throw new ApiException(404, "no such endpoint " + path, "the API serves " + ENDPOINTS);
        }
        String allowed = endpoint.access() == Access.READ ? "GET" : "POST";
        if (!allowed.equals(method)) {
            throw new ApiException(
                            405,
                            "method %s not allowed on %s".formatted(method, path),
                            "use %s %s".formatted(allowed, path))
                    .withHeader("Allow", allowed);
        }
        return endpoint;
    }
}
