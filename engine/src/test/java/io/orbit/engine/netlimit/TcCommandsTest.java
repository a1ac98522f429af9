package io.orbit.engine.netlimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.netlimit.TcCommands.Link;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcCommandsTest {

    /** {@code nsenter -t PID -n ip -o link show} in a Podman container (trimmed). */
    private static final String CONTAINER_LINKS = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            2: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \\    link/ether 6a:2b:3c:4d:5e:6f brd ff:ff:ff:ff:ff:ff link-netnsid 0
            """;

    /** {@code ip -o link show} on the host: two veths, one of them this container's peer. */
    private static final String HOST_LINKS = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
            3: podman0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000
            11: veth0aa@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master podman0 state UP link-netns x
            12: veth1bb@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master podman0 state UP link-netnsid 1
            """;

    @Test
    void parsesIpLinkOutputWithVethPeers() {
        assertThat(TcCommands.parseLinks(CONTAINER_LINKS))
                .containsExactly(new Link(1, "lo", 0), new Link(2, "eth0", 12));
        assertThat(TcCommands.parseLinks(HOST_LINKS))
                .contains(new Link(3, "podman0", 0), new Link(11, "veth0aa", 2), new Link(12, "veth1bb", 2));
        assertThat(TcCommands.parseLinks("garbage\n\n7: br-x@NONE: <UP>")).containsExactly(new Link(7, "br-x", 0));
    }

    @Test
    void egressShapesTheContainersInterfaceInsideItsNamespaceAndIngressTheHostEndOfItsVeth() {
        NetworkLimit limit = new NetworkLimit(10_000_000, 0, 8_000_000, 65_536);

        List<List<String>> commands = TcCommands.commands(
                4242, limit, TcCommands.parseLinks(CONTAINER_LINKS), TcCommands.parseLinks(HOST_LINKS));

        assertThat(commands)
                .containsExactly(
                        List.of(
                                "nsenter",
                                "-t",
                                "4242",
                                "-n",
                                "tc",
                                "qdisc",
                                "replace",
                                "dev",
                                "eth0",
                                "root",
                                "tbf",
                                "rate",
                                "8000000bit",
                                "burst",
                                "65536",
                                "latency",
                                "50ms"),
                        List.of(
                                "tc",
                                "qdisc",
                                "replace",
                                "dev",
                                "veth1bb",
                                "root",
                                "tbf",
                                "rate",
                                "10000000bit",
                                "burst",
                                "32768",
                                "latency",
                                "50ms"));
    }

    @Test
    void onlyTheLimitedDirectionsGetAQdisc() {
        NetworkLimit egressOnly = new NetworkLimit(0, 0, 1_000_000, 0);

        assertThat(TcCommands.commands(7, egressOnly, TcCommands.parseLinks(CONTAINER_LINKS), List.of()))
                .singleElement()
                .satisfies(command -> assertThat(command).startsWith("nsenter", "-t", "7", "-n", "tc"));
    }

    @Test
    void aMissingHostEndOrInterfaceIsExplained() {
        NetworkLimit ingress = new NetworkLimit(1_000_000, 0, 0, 0);
        List<Link> container = TcCommands.parseLinks(CONTAINER_LINKS);

        assertThatThrownBy(() -> TcCommands.commands(7, ingress, container, List.of(new Link(12, "veth9", 5))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("host end of the container's eth0");
        assertThatThrownBy(() -> TcCommands.commands(7, ingress, List.of(new Link(1, "lo", 0)), List.of()))
                .hasMessageContaining("no network interface");
    }

    @Test
    void shapeRejectsNonPositiveValues() {
        assertThatThrownBy(() -> TcCommands.shape("eth0", 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
