package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.scalar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** {@code ports} (both syntaxes) and {@code expose}: published TCP ports become node ports. */
final class Ports {
    private static final String NOT_PUBLISHED = "published on a random host port by Compose; Orbit publishes none:"
            + " add a node_port to reach it from the host";

    private final ServiceDraft draft;

    Ports(ServiceDraft draft) {
        this.draft = draft;
    }

    void entry(JsonNode entry, String where) {
        if (entry.isObject()) {
            longSyntax(entry, where);
        } else {
            shortSyntax(scalar(entry), where);
        }
    }

    void exposed(JsonNode entry, String where) {
        for (int port : portRange(entry.asText(), where)) {
            addPort(port, null, null, false);
        }
    }

    /** A port a health check probes: declared if the service did not declare it. */
    void ensurePort(int port) {
        for (ObjectNode existing : draft.ports) {
            if (existing.path("port").asInt() == port) {
                return;
            }
        }
        addPort(port, null, null, false);
    }

    private void longSyntax(JsonNode entry, String where) {
        int target = entry.path("target").asInt(0);
        if (target < 1) {
            throw draft.error(where + ".target", "required, a container port");
        }
        String protocol = entry.path("protocol").asText("tcp");
        if (entry.hasNonNull("host_ip")) {
            hostIp(entry.get("host_ip").asText(), where + ".host_ip");
        }
        for (String ignored : List.of("name", "app_protocol")) {
            if (entry.has(ignored)) {
                draft.warn(where + "." + ignored, "Orbit ports have no " + ignored + "; not carried over");
            }
        }
        if (entry.hasNonNull("published")) {
            List<Integer> published = portRange(scalar(entry.get("published")), where + ".published");
            addPort(target, published.get(0), protocol, true);
            if (published.size() > 1) {
                draft.warn(
                        where + ".published", "a range: Orbit publishes one port per entry; took " + published.get(0));
            }
        } else {
            addPort(target, null, protocol, false);
            draft.warn(where, NOT_PUBLISHED);
        }
    }

    /** {@code [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]}, each port possibly a range. */
    private void shortSyntax(String entry, String where) {
        String text = entry;
        String protocol = "tcp";
        int slash = text.lastIndexOf('/');
        if (slash >= 0) {
            protocol = text.substring(slash + 1).toLowerCase(Locale.ROOT);
            text = text.substring(0, slash);
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            for (int port : portRange(text, where)) {
                addPort(port, null, protocol, false);
            }
            draft.warn(where, NOT_PUBLISHED);
            return;
        }
        List<Integer> targets = portRange(text.substring(colon + 1), where);
        String hostPart = text.substring(0, colon);
        int hostColon = hostPart.lastIndexOf(':');
        if (hostColon >= 0) {
            hostIp(hostPart.substring(0, hostColon), where);
            hostPart = hostPart.substring(hostColon + 1);
        }
        if (hostPart.isEmpty()) {
            targets.forEach(port -> addPort(port, null, "tcp", false));
            draft.warn(where, "published on a random host port by Compose; Orbit publishes none: add a node_port");
            return;
        }
        List<Integer> published = portRange(hostPart, where);
        if (published.size() != targets.size()) {
            throw draft.error(
                    where,
                    "'" + entry + "' maps " + published.size() + " host port(s) to " + targets.size()
                            + " container port(s); give ranges of the same length");
        }
        for (int i = 0; i < targets.size(); i++) {
            addPort(targets.get(i), published.get(i), protocol, true);
        }
    }

    private void hostIp(String address, String where) {
        String plain = address.replace("[", "").replace("]", "");
        if (!plain.equals("0.0.0.0") && !plain.equals("::") && !plain.isEmpty()) {
            draft.warn(
                    where,
                    "published on " + address + " only in Compose; Orbit's proxy listens on the daemon's"
                            + " --proxy-address for every node_port (pass --proxy-address " + plain + " to match)");
        }
    }

    private void addPort(int port, @Nullable Integer published, @Nullable String protocol, boolean publish) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("port", port);
        boolean udp = "udp".equalsIgnoreCase(protocol);
        if (publish && published != null) {
            if (udp) {
                node.put("target_port", published);
                draft.warn(
                        "ports",
                        "UDP port " + published + ": Orbit's proxy speaks HTTP over TCP, so it is published"
                                + " as a target_port (one pod only) rather than a node_port");
            } else {
                node.put("node_port", published);
            }
        }
        if (udp) {
            node.put("protocol", "UDP");
        } else if (protocol != null && !protocol.equalsIgnoreCase("tcp")) {
            draft.warn("ports", "protocol '" + protocol + "' is not TCP or UDP; written as TCP");
        }
        for (ObjectNode existing : draft.ports) {
            if (existing.equals(node)) {
                return;
            }
        }
        draft.ports.add(node);
    }

    private List<Integer> portRange(String text, String where) {
        String[] parts = text.strip().split("-", -1);
        try {
            int from = Integer.parseInt(parts[0].strip());
            int to = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : from;
            if (parts.length > 2 || from < 1 || to > 65535 || to < from || to - from > 100) {
                throw new NumberFormatException();
            }
            List<Integer> range = new ArrayList<>();
            for (int port = from; port <= to; port++) {
                range.add(port);
            }
            return range;
        } catch (NumberFormatException e) {
            throw draft.error(where, "'" + text + "' is not a port (1-65535) or a range of at most 100 (8000-8010)");
        }
    }
}
