package io.orbit.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the proxy listens, balances, times out and protects itself. {@link #defaults()} holds the DESIGN-NOTES §3
 * values; every duration is a {@link Duration}, every size is in bytes.
 *
 * @param bindHost where every node port listens; Orbit binds 0.0.0.0
 * @param selectorsPerListener selector (event loop) threads per node port; requests and their upstream connections run
 *     on these threads without hand-offs
 * @param loadBalancing power-of-two-choices on in-flight requests, or round-robin
 * @param connectTimeout connecting to a backend
 * @param firstByteTimeout from the request sent upstream to the first byte of the response
 * @param upstreamIdleTimeout silence while a response streams, and how long an idle pooled connection is kept
 * @param clientIdleTimeout silence from a client between requests or while it sends or reads
 * @param requestHeadTimeout a request head must arrive within this (slowloris), checked on every read; also the idle
 *     timeout of a connection that has not sent a byte yet (at most {@code clientIdleTimeout})
 * @param upgradedIdleTimeout the only timeout of an upgraded (WebSocket) connection
 * @param maxRequestHeadBytes request line plus headers, else 431
 * @param maxResponseHeadBytes status line plus headers from a backend, else 502
 * @param maxConnectionsPerListener client connections per node port; at the limit a new connection closes the least
 *     recently idle one (no request in progress), or is closed itself when none is idle
 * @param maxConnectionsPerClient client connections per remote IP address per node port; more are closed on accept
 * @param maxIdleConnectionsPerBackend upstream keep-alive pool size
 * @param retryBudgetRatio at most this fraction of requests is retried (plus a small burst allowance)
 * @param maxRetriesPerRequest re-sends of one request already sent, each to a different backend (a failed connect,
 *     which sent nothing, moves on to the next backend not yet tried whatever this is)
 * @param retryAfter the {@code Retry-After} of a 503 when no backend is ready
 * @param ejectAfterConsecutiveErrors passive ejection after this many consecutive connect errors or 5xx
 * @param baseEjection ejection lasts this times the backend's ejection count
 * @param maxEjection the cap of one ejection
 * @param maxEjectedPercent never more than this share of a service's backends ejected at once
 * @param maxDirectBufferBytes direct memory for the input buffers of all connections (taken only while a connection
 *     has bytes to process); 0: half the JVM's direct-memory limit. Past it, a connection that needs one is closed
 * @param maxHeapBufferBytes heap for the head buffers of all exchanges in progress; 0: a quarter of the maximum heap.
 *     Past it, a connection that needs one is closed
 */
public record ProxyOptions(
        String bindHost,
        int selectorsPerListener,
        LoadBalancing loadBalancing,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration upstreamIdleTimeout,
        Duration clientIdleTimeout,
        Duration requestHeadTimeout,
        Duration upgradedIdleTimeout,
        int maxRequestHeadBytes,
        int maxResponseHeadBytes,
        int maxConnectionsPerListener,
        int maxConnectionsPerClient,
        int maxIdleConnectionsPerBackend,
        double retryBudgetRatio,
        int maxRetriesPerRequest,
        Duration retryAfter,
        int ejectAfterConsecutiveErrors,
        Duration baseEjection,
        Duration maxEjection,
        int maxEjectedPercent,
        long maxDirectBufferBytes,
        long maxHeapBufferBytes) {

    /** How a request picks its backend among the ready ones. */
    public enum LoadBalancing {
        /** Two random ready backends, the one with fewer in-flight requests wins (Envoy LEAST_REQUEST). */
        P2C,
        ROUND_ROBIN
    }

    public ProxyOptions {
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(loadBalancing, "loadBalancing is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(firstByteTimeout, "firstByteTimeout is null");
        requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout is null");
        requireNonNull(clientIdleTimeout, "clientIdleTimeout is null");
        requireNonNull(requestHeadTimeout, "requestHeadTimeout is null");
        requireNonNull(upgradedIdleTimeout, "upgradedIdleTimeout is null");
        requireNonNull(retryAfter, "retryAfter is null");
        requireNonNull(baseEjection, "baseEjection is null");
        requireNonNull(maxEjection, "maxEjection is null");
        if (selectorsPerListener < 1) {
            throw new IllegalArgumentException("selectorsPerListener must be >= 1: " + selectorsPerListener);
        }
        if (retryBudgetRatio < 0 || retryBudgetRatio > 1) {
            throw new IllegalArgumentException("retryBudgetRatio must be in [0, 1]: " + retryBudgetRatio);
        }
        if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
            throw new IllegalArgumentException("maxEjectedPercent must be in [0, 100]: " + maxEjectedPercent);
        }
        if (maxConnectionsPerListener < 1) {
            throw new IllegalArgumentException("maxConnectionsPerListener must be >= 1: " + maxConnectionsPerListener);
        }
        if (maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("maxConnectionsPerClient must be >= 1: " + maxConnectionsPerClient);
        }
        if (maxDirectBufferBytes < 0 || maxHeapBufferBytes < 0) {
            throw new IllegalArgumentException("buffer memory bounds must be >= 0 (0: automatic): "
                    + maxDirectBufferBytes + ", " + maxHeapBufferBytes);
        }
        if (maxRequestHeadBytes < 256 || maxResponseHeadBytes < 256) {
            throw new IllegalArgumentException("head limits must be >= 256 bytes");
        }
    }

    /** The default of {@link #maxConnectionsPerListener}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_LISTENER = 10_000;

    /**
     * The default of {@link #maxConnectionsPerClient}: one address may hold about 5 % of a listener's connections (a
     * NAT gateway or a busy reverse proxy in front still fits; a single flooding host cannot push everyone out).
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 512;

    /** DESIGN-NOTES §3 defaults: P2C, 5 consecutive errors, 30 s × count capped at 5 min, 50 %, 20 % retry budget. */
    public static ProxyOptions defaults() {
        return new ProxyOptions(
                "0.0.0.0",
                1,
                LoadBalancing.P2C,
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Duration.ofSeconds(10),
                Duration.ofHours(1),
                8 * 1024,
                16 * 1024,
                DEFAULT_MAX_CONNECTIONS_PER_LISTENER,
                DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                256,
                0.2,
                1,
                Duration.ofSeconds(1),
                5,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                50,
                0,
                0);
    }

    public ProxyOptions withBindHost(String host) {
        Copy copy = new Copy(this);
        copy.bindHost = host;
        return copy.build();
    }

    public ProxyOptions withLoadBalancing(LoadBalancing balancing) {
        Copy copy = new Copy(this);
        copy.loadBalancing = balancing;
        return copy.build();
    }

    public ProxyOptions withSelectorsPerListener(int selectors) {
        Copy copy = new Copy(this);
        copy.selectorsPerListener = selectors;
        return copy.build();
    }

    public ProxyOptions withMaxConnectionsPerListener(int connections) {
        Copy copy = new Copy(this);
        copy.maxConnectionsPerListener = connections;
        return copy.build();
    }

    public ProxyOptions withMaxConnectionsPerClient(int connections) {
        Copy copy = new Copy(this);
        copy.maxConnectionsPerClient = connections;
        return copy.build();
    }

    /** Bounds of the shared buffer pools in bytes (0: automatic, see {@link #maxDirectBufferBytes}). */
    public ProxyOptions withBufferMemory(long directBytes, long heapBytes) {
        Copy copy = new Copy(this);
        copy.maxDirectBufferBytes = directBytes;
        copy.maxHeapBufferBytes = heapBytes;
        return copy.build();
    }

    /** Timeouts for tests and tight deployments: connect, first byte, client idle and request head. */
    public ProxyOptions withTimeouts(
            Duration connect, Duration firstByte, Duration clientIdle, Duration requestHead, Duration upstreamIdle) {
        Copy copy = new Copy(this);
        copy.connectTimeout = connect;
        copy.firstByteTimeout = firstByte;
        copy.clientIdleTimeout = clientIdle;
        copy.requestHeadTimeout = requestHead;
        copy.upstreamIdleTimeout = upstreamIdle;
        return copy.build();
    }

    /** A mutable copy for the withers, so each changes its fields without re-listing all of them. */
    private static final class Copy {
        private String bindHost;
        private int selectorsPerListener;
        private LoadBalancing loadBalancing;
        private Duration connectTimeout;
        private Duration firstByteTimeout;
        private Duration upstreamIdleTimeout;
        private Duration clientIdleTimeout;
        private Duration requestHeadTimeout;
        private Duration upgradedIdleTimeout;
        private int maxRequestHeadBytes;
        private int maxResponseHeadBytes;
        private int maxConnectionsPerListener;
        private int maxConnectionsPerClient;
        private int maxIdleConnectionsPerBackend;
        private double retryBudgetRatio;
        private int maxRetriesPerRequest;
        private Duration retryAfter;
        private int ejectAfterConsecutiveErrors;
        private Duration baseEjection;
        private Duration maxEjection;
        private int maxEjectedPercent;
        private long maxDirectBufferBytes;
        private long maxHeapBufferBytes;

        Copy(ProxyOptions options) {
            this.bindHost = options.bindHost();
            this.selectorsPerListener = options.selectorsPerListener();
            this.loadBalancing = options.loadBalancing();
            this.connectTimeout = options.connectTimeout();
            this.firstByteTimeout = options.firstByteTimeout();
            this.upstreamIdleTimeout = options.upstreamIdleTimeout();
            this.clientIdleTimeout = options.clientIdleTimeout();
            this.requestHeadTimeout = options.requestHeadTimeout();
            this.upgradedIdleTimeout = options.upgradedIdleTimeout();
            this.maxRequestHeadBytes = options.maxRequestHeadBytes();
            this.maxResponseHeadBytes = options.maxResponseHeadBytes();
            this.maxConnectionsPerListener = options.maxConnectionsPerListener();
            this.maxConnectionsPerClient = options.maxConnectionsPerClient();
            this.maxIdleConnectionsPerBackend = options.maxIdleConnectionsPerBackend();
            this.retryBudgetRatio = options.retryBudgetRatio();
            this.maxRetriesPerRequest = options.maxRetriesPerRequest();
            this.retryAfter = options.retryAfter();
            this.ejectAfterConsecutiveErrors = options.ejectAfterConsecutiveErrors();
            this.baseEjection = options.baseEjection();
            this.maxEjection = options.maxEjection();
            this.maxEjectedPercent = options.maxEjectedPercent();
            this.maxDirectBufferBytes = options.maxDirectBufferBytes();
            this.maxHeapBufferBytes = options.maxHeapBufferBytes();
        }

        ProxyOptions build() {
            return new ProxyOptions(
                    bindHost,
                    selectorsPerListener,
                    loadBalancing,
                    connectTimeout,
                    firstByteTimeout,
                    upstreamIdleTimeout,
                    clientIdleTimeout,
                    requestHeadTimeout,
                    upgradedIdleTimeout,
                    maxRequestHeadBytes,
                    maxResponseHeadBytes,
                    maxConnectionsPerListener,
                    maxConnectionsPerClient,
                    maxIdleConnectionsPerBackend,
                    retryBudgetRatio,
                    maxRetriesPerRequest,
                    retryAfter,
                    ejectAfterConsecutiveErrors,
                    baseEjection,
                    maxEjection,
                    maxEjectedPercent,
                    maxDirectBufferBytes,
                    maxHeapBufferBytes);
        }
    }
}
