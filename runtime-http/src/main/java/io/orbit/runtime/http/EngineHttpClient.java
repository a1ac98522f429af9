package io.orbit.runtime.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.orbit.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFSocketFactory;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * HTTP/1.1 to a container engine over its Unix socket, with a pool of keep-alive connections.
 *
 * <p>Why junixsocket and not HttpClient 5.6's built-in Unix-socket support: the built-in classic path wraps the JDK's
 * {@code SocketChannel} in an adapter that leaks five file descriptors per closed connection (measured in
 * docs/RUNTIME-FACTS.md §1), which a long-running daemon cannot afford. junixsocket's fixed-address socket factory
 * gives real blocking sockets that close cleanly.
 *
 * <p>Call it from platform threads: junixsocket rounds read timeouts up to about a second on virtual threads, which
 * turns HttpClient's 1 ms stale-connection check into a one-second stall.
 *
 * <p>I/O failures become {@link RuntimeUnavailableException} naming the socket and the remedy; status codes are left
 * to the adapter, which maps them in one place. Thread-safe.
 *
 * <p>Longer than 300 lines: calls, streams and raw (secret) bodies share one pool, one deadline scheme and one place
 * that turns I/O failures into the errors users see.
 */
public final class EngineHttpClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Docker's stats calls each hold a connection for ~1 s, and all containers are sampled at once. */
    private static final int MAX_CONNECTIONS = 80;

    /** The host name is a formality ("localhost"); the fixed-address socket factory ignores the address anyway. */
    private static final DnsResolver LOOPBACK_ONLY = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) {
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return "localhost";
        }
    };

    private final Path socket;
    private final String remedy;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;

    private EngineHttpClient(Path socket, String remedy) {
        this.socket = socket;
        this.remedy = remedy;
        AFSocketFactory.FixedAddressSocketFactory sockets = newSocketFactory(socket);
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> sockets.createSocket(),
                null,
                LOOPBACK_ONLY,
                RegistryBuilder.<TlsSocketStrategy>create().build());
        this.pool = new PoolingHttpClientConnectionManager(
                operator, PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND, null);
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setDefaultMaxPerRoute(MAX_CONNECTIONS);
        // junixsocket rejects TCP keep-alive options ("TCP_KEEPIDLE not supported"): switch them off explicitly.
        pool.setDefaultSocketConfig(SocketConfig.custom()
                .setSoKeepAlive(false)
                .setTcpKeepIdle(-1)
                .setTcpKeepInterval(-1)
                .setTcpKeepCount(-1)
                .build());
        pool.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .build());
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("orbit")
                .build();
    }

    /**
     * @param socket the engine's Unix socket
     * @param remedy what to tell the operator when the engine cannot be reached, e.g. "start `podman system
     *     service` or pass --runtime-socket"
     */
    public static EngineHttpClient open(Path socket, String remedy) {
        return new EngineHttpClient(requireNonNull(socket, "socket is null"), requireNonNull(remedy, "remedy is null"));
    }

    private static AFSocketFactory.FixedAddressSocketFactory newSocketFactory(Path socket) {
        try {
            return new AFSocketFactory.FixedAddressSocketFactory(AFUNIXSocketAddress.of(socket));
        } catch (java.net.SocketException e) {
            throw new IllegalArgumentException("not a usable Unix socket path: " + socket, e);
        }
    }

    public Path socket() {
        return socket;
    }

    /** {@code unix:///path}, for messages and engine info. */
    public String endpoint() {
        return "unix://" + socket;
    }

    /**
     * Sends a request and reads the whole response.
     *
     * @param pathAndQuery e.g. {@code /v1.41/containers/json?all=true}; already encoded
     * @param jsonBody serialised with Jackson, sent as it is if a {@code byte[]}, or null for no body
     * @param timeout how long to wait for the response (not the connect)
     */
    public EngineResponse call(String method, String pathAndQuery, @Nullable Object jsonBody, Duration timeout) {
        HttpUriRequestBase request = newRequest(method, pathAndQuery, jsonBody, timeout);
        try {
            return client.execute(request, response -> {
                HttpEntity entity = response.getEntity();
                byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
                return new EngineResponse(response.getCode(), body);
            });
        } catch (IOException e) {
            throw unavailable(method, pathAndQuery, timeout, e);
        }
    }

    /**
     * Sends a request whose response body streams for a long time (events, pull progress, exec output). No response
     * timeout applies; closing the returned stream aborts the exchange and drops its connection.
     */
    public EngineStream stream(String method, String pathAndQuery, @Nullable Object jsonBody) {
        return prepareStream(method, pathAndQuery, jsonBody).open();
    }

    /**
     * Like {@link #stream}, with an idle deadline (a pull without progress, a silent event stream): the head and each
     * read of the body must come within it, or fail with a {@link SocketTimeoutException} ({@link #isIdleTimeout}).
     */
    public EngineStream stream(String method, String pathAndQuery, @Nullable Object jsonBody, Duration idleTimeout) {
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        return prepare(method, pathAndQuery, jsonBody, idleTimeout).open();
    }

    /** Whether a stream's failure was its idle deadline (the engine said nothing for that long). */
    public static boolean isIdleTimeout(@Nullable Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Like {@link #stream}, but split in two so another thread can abort the exchange while this one still waits for
     * the answer's head: libpod sends no head for a log follow until the container prints its first line.
     */
    public PendingStream prepareStream(String method, String pathAndQuery, @Nullable Object jsonBody) {
        return prepare(method, pathAndQuery, jsonBody, Duration.ZERO);
    }

    /** @param idleTimeout the socket's read timeout for the head and each read of the body; zero: none */
    private PendingStream prepare(String method, String pathAndQuery, @Nullable Object jsonBody, Duration idleTimeout) {
        HttpUriRequestBase request = newRequest(method, pathAndQuery, jsonBody, idleTimeout);
        return new PendingStream(request, () -> {
            try {
                ClassicHttpResponse response = client.executeOpen(null, request, null);
                HttpEntity entity = response.getEntity();
                InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
                return new EngineStream(response.getCode(), body, () -> {
                    request.cancel();
                    response.close();
                });
            } catch (IOException e) {
                throw unavailable(method, pathAndQuery, idleTimeout, e);
            }
        });
    }

    /** A streaming request not yet sent: {@link #open} sends it and waits for the head; {@link #abort} ends it. */
    public static final class PendingStream {
        private final HttpUriRequestBase request;
        private final java.util.function.Supplier<EngineStream> opener;

        private PendingStream(HttpUriRequestBase request, java.util.function.Supplier<EngineStream> opener) {
            this.request = request;
            this.opener = opener;
        }

        /**
         * Sends the request and returns once the answer's head is in.
         *
         * @throws RuntimeUnavailableException when the engine cannot be reached, or the exchange was aborted
         */
        public EngineStream open() {
            return opener.get();
        }

        /** Aborts the exchange from any thread, before or after {@link #open}; a waiting {@code open} fails. */
        public void abort() {
            request.cancel();
        }
    }

    private HttpUriRequestBase newRequest(
            String method, String pathAndQuery, @Nullable Object jsonBody, Duration timeout) {
        HttpUriRequestBase request =
                new HttpUriRequestBase(method, java.net.URI.create("http://localhost" + pathAndQuery));
        request.setConfig(RequestConfig.custom()
                // Zero means "no timeout" to HttpClient: used for streams that stay open for hours.
                .setResponseTimeout(Timeout.of(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .setConnectionRequestTimeout(Timeout.of(CONNECT_TIMEOUT))
                .build());
        if (jsonBody instanceof byte[] raw) {
            // Sent as they are (a secret's data for libpod), never as JSON.
            request.setEntity(new ByteArrayEntity(raw, ContentType.APPLICATION_OCTET_STREAM));
        } else if (jsonBody != null) {
            request.setEntity(new ByteArrayEntity(toJson(jsonBody), ContentType.APPLICATION_JSON));
        }
        return request;
    }

    private static byte[] toJson(Object body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON: " + body, e);
        }
    }

    private RuntimeUnavailableException unavailable(String method, String path, Duration timeout, IOException e) {
        return new RuntimeUnavailableException(endpoint(), describe(method, path, timeout, e), remedy, e);
    }

    private String describe(String method, String path, Duration timeout, IOException e) {
        if (!Files.exists(socket)) {
            return "no such socket file";
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
            return "%s %s got no answer within %d ms".formatted(method, path, timeout.toMillis());
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Permission denied") || message.contains("EACCES")) {
            return "permission denied (the socket belongs to another user; run as that user or fix its permissions)";
        }
        if (message.contains("Connection refused") || message.contains("ECONNREFUSED")) {
            return "connection refused (the socket file exists but no engine listens on it)";
        }
        return "%s %s failed: %s".formatted(method, path, e);
    }

    /** Number of pooled connections, leased and idle; for tests and diagnostics. */
    public int pooledConnections() {
        var stats = pool.getTotalStats();
        return stats.getLeased() + stats.getAvailable();
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
        pool.close(CloseMode.IMMEDIATE);
    }

    /** Closes every idle pooled connection now; the file-descriptor proof uses it to force new connections. */
    void closeIdleConnections() {
        pool.closeIdle(TimeValue.ZERO_MILLISECONDS);
    }
}
