package io.orbit.engine.health;

import io.orbit.engine.state.Endpoint;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Probes from the daemon's host: TCP connects and HTTP GETs over plain sockets (a probe needs one status line, not an
 * HTTP client), exec through the engine.
 */
public final class HostProbeRunner implements ProbeRunner {

    private static final int MAX_STATUS_LINE = 512;
    /** How long a TCP probe through a port forwarder waits to see whether the forwarder closes the connection. */
    static final java.time.Duration FORWARDER_GRACE = java.time.Duration.ofMillis(500);

    private final ContainerRuntime runtime;

    public HostProbeRunner(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public ProbeResult run(Probe probe, ProbeTarget target) {
        return switch (probe) {
            case Probe.Tcp tcp -> tcp(tcp, target);
            case Probe.Http http -> http(http, target);
            case Probe.Exec exec -> exec(exec, target);
        };
    }

    private static ProbeResult tcp(Probe.Tcp probe, ProbeTarget target) {
        Optional<Endpoint> address = target.port(probe.port());
        if (address.isEmpty()) {
            return unreachable(probe.port());
        }
        try (Socket socket = new Socket()) {
            socket.connect(socketAddress(address.get()), timeoutMillis(probe));
            if (target.forwarded()) {
                return behindForwarder(socket, probe);
            }
            return ProbeResult.PASSED;
        } catch (IOException e) {
            return ProbeResult.failed(describe(e, address.get()));
        }
    }

    /**
     * A port forwarder accepts every connection and closes it (~200 ms here) when nothing listens behind it; a
     * listening server keeps it open, waiting for the client to speak. So: wait a moment for an end of stream.
     */
    private static ProbeResult behindForwarder(Socket socket, Probe.Tcp probe) throws IOException {
        socket.setSoTimeout((int)
                Math.min(FORWARDER_GRACE.toMillis(), Math.max(1, probe.timeout().toMillis())));
        try {
            if (socket.getInputStream().read() == -1) {
                return ProbeResult.failed("the port forwarder closed the connection: nothing listens on port "
                        + probe.port() + " in the container");
            }
            return ProbeResult.PASSED;
        } catch (SocketTimeoutException stillOpen) {
            return ProbeResult.PASSED;
        }
    }

    private static ProbeResult http(Probe.Http probe, ProbeTarget target) {
        Optional<Endpoint> address = target.port(probe.port());
        if (address.isEmpty()) {
            return unreachable(probe.port());
        }
        long deadline = System.nanoTime() + probe.timeout().toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(socketAddress(address.get()), timeoutMillis(probe));
            socket.setSoTimeout(Math.max(1, (int) ((deadline - System.nanoTime()) / 1_000_000)));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + probe.path() + " HTTP/1.1\r\nHost: " + address.get()
                            + "\r\nUser-Agent: orbit-health\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = readLine(socket.getInputStream());
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return ProbeResult.failed("not an HTTP response: '" + statusLine + "'");
            }
            int status = Integer.parseInt(parts[1]);
            return probe.expected().contains(status)
                    ? ProbeResult.PASSED
                    : ProbeResult.failed("status " + status + " (expected " + probe.expected() + ")");
        } catch (SocketTimeoutException e) {
            return ProbeResult.failed("no response within " + Durations.human(probe.timeout()));
        } catch (IOException | NumberFormatException e) {
            return ProbeResult.failed(describe(e, address.get()));
        }
    }

    private ProbeResult exec(Probe.Exec probe, ProbeTarget target) {
        try {
            ExecResult result = runtime.exec(target.containerId(), probe.command(), probe.timeout());
            if (result.succeeded()) {
                return ProbeResult.PASSED;
            }
            String output = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
            int newline = output.indexOf('\n');
            return ProbeResult.failed("exit code " + result.exitCode()
                    + (output.isEmpty() ? "" : ": " + (newline < 0 ? output : output.substring(0, newline))));
        } catch (RuntimeUnavailableException e) {
            // the engine is away, not the container: the monitor skips this probe instead of counting a failure
            throw e;
        } catch (ContainerRuntimeException e) {
            return ProbeResult.failed(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < MAX_STATUS_LINE) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (line.isEmpty() && c == -1) {
            throw new IOException("connection closed before a response");
        }
        return line.toString();
    }

    private static ProbeResult unreachable(int port) {
        return ProbeResult.failed(
                "port " + port + " is not reachable from the host (no container IP and not published)");
    }

    private static InetSocketAddress socketAddress(Endpoint address) {
        return new InetSocketAddress(address.host(), address.port());
    }

    private static int timeoutMillis(Probe probe) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, probe.timeout().toMillis()));
    }

    private static String describe(Exception e, Endpoint address) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SocketTimeoutException) {
            return "connect to " + address + " timed out";
        }
        return message.toLowerCase(java.util.Locale.ROOT).contains(address.toString())
                ? message
                : address + ": " + message;
    }
}
