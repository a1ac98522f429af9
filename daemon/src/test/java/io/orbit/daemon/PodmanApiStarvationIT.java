package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The API under a flood of log reads, on rootful Podman, with the daemon as packaged (the launcher's JVM options,
 * 256 MiB heap): a container writes {@value #LOG_BYTES} bytes of log, then 40 clients ask for all of it at once, half
 * over TCP and half over the control socket. Meanwhile {@code /healthz} (TCP) and {@code /status} (control socket)
 * must each answer within a second, and the daemon's resident memory must stay under 300 MB: reads stream with a
 * few hundred lines per container in memory, each answer stops at the 16 MiB cap with a notice, and reads beyond
 * the 16 held requests of a listener, or beyond the 8 containers read at once daemon-wide, get a quick 503.
 *
 * <p>The figures it prints (fill time, read time, probe percentiles, peak VmRSS) are in docs/operations.md.
 */
@Tag("container-engine")
class PodmanApiStarvationIT extends DaemonScenario {

    /** 1 GiB: the container fills it in about 10 s on the test machine (busybox yes | head into conmon). */
    static final long LOG_BYTES = 1L << 30;

    private static final int READERS = 40;
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(1);
    private static final long RSS_LIMIT_KIB = 300 * 1000;

    private String service;

    PodmanApiStarvationIT() {
        super(TestEngine.PODMAN, "starvation");
    }

    @Override
    List<String> services() {
        return service == null ? List.of() : List.of(service);
    }

    @Test
    void fortyReadsOfAGibibyteLogLeaveHealthAndStatusQuickAndTheDaemonSmall() throws Exception {
        service = "it-flood-" + suffix;
        new ServiceFile(
                        service,
                        1,
                        1,
                        List.of(new ServiceFile.Container(
                                "main",
                                List.of(
                                        "sh",
                                        "-c",
                                        "trap 'exit 0' TERM; yes $(printf %01000d 0) | head -c " + LOG_BYTES
                                                + "; touch /tmp/filled; while :; do sleep 1; done"),
                                Map.of(),
                                List.of())))
                .writeTo(configDirectory.resolve(service + ".yml"));
        DaemonProcess daemon = startDaemon(DaemonProcess.LAUNCHER_JVM_OPTIONS);
        String container = Poll.until(
                "the service's container",
                Duration.ofSeconds(60),
                () -> engine.containers(service).stream()
                        .filter(summary -> summary.state().isRunning())
                        .map(summary -> summary.id())
                        .findFirst()
                        .orElse(null),
                id -> id != null,
                daemon::tail);
        long filling = System.nanoTime();
        Poll.until(
                "the container to write " + LOG_BYTES + " bytes of log",
                Duration.ofSeconds(90),
                () -> engine.runtime()
                        .exec(container, List.of("test", "-f", "/tmp/filled"), Duration.ofSeconds(5))
                        .succeeded(),
                filled -> filled,
                daemon::tail);
        System.out.printf(
                "PodmanApiStarvationIT: %d bytes of log written in %d ms%n",
                LOG_BYTES, Duration.ofNanos(System.nanoTime() - filling).toMillis());

        String logs = "/services/" + service + "/logs?tail=all";
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Read>> reads = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            boolean overSocket = i % 2 == 1;
            reads.add(pool.submit(() -> {
                start.await();
                return overSocket ? read(daemon.controlSocket(), logs) : read(daemon.apiPort(), logs);
            }));
        }
        long began = System.nanoTime();
        start.countDown();
        List<Long> health = new ArrayList<>();
        List<Long> status = new ArrayList<>();
        long maxRssKib = 0;
        try {
            while (reads.stream().anyMatch(read -> !read.isDone())) {
                assertThat(Duration.ofNanos(System.nanoTime() - began))
                        .as("the reads' duration")
                        .isLessThan(Duration.ofSeconds(120));
                health.add(timed(() ->
                        assertThat(read(daemon.apiPort(), "/healthz").status()).isEqualTo(200)));
                status.add(timed(
                        () -> assertThat(read(daemon.controlSocket(), "/status").status())
                                .isEqualTo(200)));
                maxRssKib = Math.max(maxRssKib, rssKib(daemon.pid()));
                Thread.sleep(100); // the probes' cadence, not a wait for anything
            }
        } finally {
            pool.shutdownNow();
        }
        long readsMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
        maxRssKib = Math.max(maxRssKib, rssKib(daemon.pid()));

        List<Read> done = new ArrayList<>();
        for (Future<Read> read : reads) {
            done.add(read.get(1, TimeUnit.SECONDS));
        }
        List<Read> served = done.stream().filter(read -> read.status() == 200).toList();
        List<Read> refused = done.stream().filter(read -> read.status() == 503).toList();
        System.out.printf(
                "PodmanApiStarvationIT: %d reads served (%d MiB in all), %d refused in %d ms; /healthz %s ms,"
                        + " /status %s ms (p50/p90/p99/max) over %d probes each, the slowest /healthz probe #%d,"
                        + " the slowest /status probe #%d (the first is #1); daemon VmRSS max %d KiB%n",
                served.size(),
                served.stream().mapToLong(Read::bytes).sum() >> 20,
                refused.size(),
                readsMillis,
                percentiles(health),
                percentiles(status),
                health.size(),
                slowestProbe(health),
                slowestProbe(status),
                maxRssKib);

        assertThat(served.size() + refused.size())
                .as("every read is served or refused")
                .isEqualTo(READERS);
        assertThat(served)
                .as("reads served at once (8 containers, engine-wide)")
                .hasSizeBetween(2, 8);
        assertThat(served).allSatisfy(read -> {
            assertThat(read.bytes()).isBetween(15L << 20, (16L << 20) + 4096);
            assertThat(read.lastLine()).contains("\"notice\"").contains("truncated");
        });
        assertThat(refused).allSatisfy(read -> assertThat(read.tail()).contains("too many"));
        assertThat(health).as("/healthz probes during the reads").hasSizeGreaterThanOrEqualTo(3);
        assertThat(health).allSatisfy(millis -> assertThat(millis).isLessThan(ANSWER_LIMIT.toMillis()));
        assertThat(status).allSatisfy(millis -> assertThat(millis).isLessThan(ANSWER_LIMIT.toMillis()));
        assertThat(maxRssKib).as("the daemon's VmRSS in KiB").isLessThan(RSS_LIMIT_KIB);
        assertThat(daemon.isAlive()).isTrue();
    }

    /** Which probe took longest, counted from 1 (0: none ran): a cold first answer shows as #1. */
    private static int slowestProbe(List<Long> millis) {
        int slowest = 0;
        for (int i = 1; i < millis.size(); i++) {
            if (millis.get(i) > millis.get(slowest)) {
                slowest = i;
            }
        }
        return millis.isEmpty() ? 0 : slowest + 1;
    }

    /** An answer: its status, how many body bytes, and its last line. */
    record Read(int status, long bytes, String tail) {
        String lastLine() {
            String trimmed = tail.stripTrailing();
            return trimmed.substring(trimmed.lastIndexOf('\n') + 1);
        }
    }

    @FunctionalInterface
    private interface Probe {
        void run() throws Exception;
    }

    private static long timed(Probe probe) throws Exception {
        long started = System.nanoTime();
        probe.run();
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    private static Read read(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            return exchange(socket.getInputStream(), socket.getOutputStream(), path);
        }
    }

    private static Read read(Path controlSocket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(controlSocket));
            return exchange(Channels.newInputStream(channel), Channels.newOutputStream(channel), path);
        }
    }

    /**
     * One HTTP/1.0 exchange (the answer ends when the connection does): the status from the head, then the body read in
     * blocks, keeping only its length and its last 8 KiB.
     */
    private static Read exchange(InputStream raw, OutputStream out, String path) throws IOException {
        out.write("GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n".formatted(path).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new java.io.BufferedInputStream(raw, 64 * 1024);
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed in the head: " + head);
            }
            head.append((char) b);
        }
        int status = Integer.parseInt(head.toString().split(" ", 3)[1]);
        byte[] buffer = new byte[64 * 1024];
        byte[] tail = new byte[8192];
        int tailLength = 0;
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
            if (n >= tail.length) {
                System.arraycopy(buffer, n - tail.length, tail, 0, tail.length);
                tailLength = tail.length;
            } else {
                int keep = Math.min(tailLength, tail.length - n);
                System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                System.arraycopy(buffer, 0, tail, keep, n);
                tailLength = keep + n;
            }
        }
        return new Read(status, total, new String(tail, 0, tailLength, StandardCharsets.UTF_8));
    }

    private static String percentiles(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "-";
        }
        return List.of(0.5, 0.9, 0.99, 1.0).stream()
                .map(q -> sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())))
                        .toString())
                .collect(java.util.stream.Collectors.joining("/"));
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
