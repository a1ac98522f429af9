package io.orbit.engine.netlimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command lines that enforce a {@link NetworkLimit}, built without running anything.
 *
 * <p>Both directions are shaped with a token bucket filter ({@code tbf}), the one shaping qdisc every kernel has
 * (this project's kernels lack the police action and the matchall classifier, so ingress policing is not available):
 *
 * <ul>
 *   <li>egress, traffic the container sends: the root qdisc of each of the container's interfaces, set inside its
 *       network namespace ({@code nsenter -t PID -n tc qdisc replace dev eth0 root tbf …});
 *   <li>ingress, traffic the container receives: the root qdisc of the host end of each interface's veth pair (what
 *       the bridge sends into the container leaves through it), found by the peer index {@code ip} prints as {@code
 *       eth0@if12}. Shaping there queues instead of dropping, so TCP senders see the rate rather than losses.
 * </ul>
 *
 * {@code replace} makes every command idempotent: applying a limit twice leaves one qdisc.
 */
public final class TcCommands {

    /** The longest a packet may wait in the bucket's queue; the queue is {@code rate × latency + burst} long. */
    static final String LATENCY = "50ms";

    private static final Pattern LINK = Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@([^:\\s]+))?:");
    private static final Pattern PEER_INDEX = Pattern.compile("^if(\\d+)$");

    private TcCommands() {}

    /** An interface as {@code ip -o link show} lists it; {@code peerIndex} is 0 where it names no veth peer. */
    public record Link(int index, String name, int peerIndex) {}

    /** {@code ip -o link show}: one line per interface. */
    public static List<String> listLinks() {
        return List.of("ip", "-o", "link", "show");
    }

    /** Runs {@code command} in the network namespace of the process {@code pid} (binaries and files stay the host's). */
    public static List<String> inNetworkNamespace(long pid, List<String> command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n"));
        full.addAll(command);
        return List.copyOf(full);
    }

    /** {@code tc qdisc replace dev DEVICE root tbf rate Nbit burst N latency 50ms}: bits per second, burst in bytes. */
    public static List<String> shape(String device, long bitsPerSecond, long burstBytes) {
        if (bitsPerSecond <= 0 || burstBytes <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        return List.of(
                "tc",
                "qdisc",
                "replace",
                "dev",
                device,
                "root",
                "tbf",
                "rate",
                bitsPerSecond + "bit",
                "burst",
                Long.toString(burstBytes),
                "latency",
                LATENCY);
    }

    /** Parses {@code ip -o link show}; lines it does not understand are skipped. */
    public static List<Link> parseLinks(String output) {
        List<Link> links = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher matcher = LINK.matcher(line.strip());
            if (!matcher.find()) {
                continue;
            }
            int peer = 0;
            if (matcher.group(3) != null) {
                Matcher peerIndex = PEER_INDEX.matcher(matcher.group(3));
                if (peerIndex.matches()) {
                    peer = Integer.parseInt(peerIndex.group(1));
                }
            }
            links.add(new Link(Integer.parseInt(matcher.group(1)), matcher.group(2), peer));
        }
        return List.copyOf(links);
    }

    /** The interfaces a container talks through: every one but loopback. */
    public static List<Link> containerInterfaces(List<Link> links) {
        return links.stream().filter(link -> !link.name().equals("lo")).toList();
    }

    /** The host end of a container interface's veth pair: the host link it names, which names it back. */
    public static Optional<Link> hostPeer(Link containerInterface, List<Link> hostLinks) {
        if (containerInterface.peerIndex() == 0) {
            return Optional.empty();
        }
        return hostLinks.stream()
                .filter(link -> link.index() == containerInterface.peerIndex()
                        && link.peerIndex() == containerInterface.index())
                .findFirst();
    }

    /**
     * Every command that applies {@code limit} to the container whose main process is {@code pid}, in order.
     *
     * @param containerLinks {@code ip -o link show} inside the container's network namespace, parsed
     * @param hostLinks the same on the host, parsed (read only when ingress is limited)
     * @throws IllegalStateException when the container has no interface, or an interface's host end is missing
     */
    public static List<List<String>> commands(
            long pid, NetworkLimit limit, List<Link> containerLinks, List<Link> hostLinks) {
        List<Link> interfaces = containerInterfaces(containerLinks);
        if (interfaces.isEmpty()) {
            throw new IllegalStateException("the container has no network interface besides lo");
        }
        List<List<String>> commands = new ArrayList<>();
        for (Link link : interfaces) {
            if (limit.limitsEgress()) {
                commands.add(inNetworkNamespace(
                        pid, shape(link.name(), limit.egressBitsPerSecond(), limit.egressBurstBytes())));
            }
            if (limit.limitsIngress()) {
                Link hostEnd = hostPeer(link, hostLinks)
                        .orElseThrow(() -> new IllegalStateException("the host end of the container's " + link.name()
                                + " (interface " + link.peerIndex() + ") is not in the host's network namespace"));
                commands.add(shape(hostEnd.name(), limit.ingressBitsPerSecond(), limit.ingressBurstBytes()));
            }
        }
        return List.copyOf(commands);
    }
}
