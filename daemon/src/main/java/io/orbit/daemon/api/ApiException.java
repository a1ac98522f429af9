package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API answers with an error: the status, what is wrong and how to fix it, rendered as {@code {"error":
 * …, "fix": …}} plus any details. Thrown by the endpoints, rendered in one place ({@link ApiRoutes}).
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, Object> body;
    private final transient Map<String, String> headers;

    private ApiException(int status, Map<String, Object> body, Map<String, String> headers) {
        super((String) body.get("error"));
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    ApiException(int status, String error, String fix) {
        this(status, errorBody(error, fix), Map.of());
    }

    static ApiException badRequest(String error, String fix) {
        return new ApiException(400, error, fix);
    }

    private static Map<String, Object> errorBody(String error, String fix) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", requireNonNull(error, "error is null"));
        body.put("fix", requireNonNull(fix, "fix is null"));
        return body;
    }

    /** The same error with one more field in its body, e.g. the known services of a 404. */
    ApiException with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(body);
        more.put(key, value);
        return new ApiException(status, more, headers);
    }

    /** The same error with a response header, e.g. {@code WWW-Authenticate} of a 401. */
    ApiException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, body, more);
    }

    int status() {
        return status;
    }

    Map<String, Object> body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }
}
