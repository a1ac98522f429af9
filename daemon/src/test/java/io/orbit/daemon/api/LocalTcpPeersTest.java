package io.orbit.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket tables as the kernel writes them, with fake ones: who owns the client's end of a loopback connection. */
class LocalTcpPeersTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    @TempDir
    Path dir;

    private LocalTcpPeers peers(String tcp, String tcp6) throws IOException {
        Files.writeString(dir.resolve("tcp"), HEADER + tcp);
        Files.writeString(dir.resolve("tcp6"), HEADER + tcp6);
        Files.writeString(
                dir.resolve("passwd"),
                "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1001:Alice:/home/alice:/bin/sh\n");
        Files.writeString(dir.resolve("group"), "root:x:0:\nstaff:x:1001:\norbit:x:990:alice\n");
        return new LocalTcpPeers(
                List.of(dir.resolve("tcp"), dir.resolve("tcp6")), dir.resolve("passwd"), dir.resolve("group"));
    }

    private static InetSocketAddress at(String address, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    @Test
    void writesEndpointsAsTheKernelDoes() throws IOException {
        assertThat(LocalTcpPeers.endpoint(at("127.0.0.1", 4112), false)).isEqualTo("0100007F:1010");
        assertThat(LocalTcpPeers.endpoint(at("127.0.0.1", 54321), true))
                .isEqualTo("0000000000000000FFFF00000100007F:D431");
        assertThat(LocalTcpPeers.endpoint(at("::1", 4112), true)).isEqualTo("00000000000000000000000001000000:1010");
    }

    @Test
    void theClientsOwnEntryNamesItsUserAndPrimaryGroup() throws IOException {
        LocalTcpPeers peers = peers(
                // the daemon's accepted socket (root) and the client's (alice), established
                "   0: 0100007F:1010 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 11 1\n"
                        + "   1: 0100007F:D431 0100007F:1010 01 00000000:00000000 00:00000000 00000000  1000        0 12 1\n",
                "");

        assertThat(peers.of(at("127.0.0.1", 4112), at("127.0.0.1", 54321)))
                .contains(new PeerCredentials("alice", "staff"));
    }

    @Test
    void anIpv4ClientOfADualStackListenerIsFoundInTcp6() throws IOException {
        LocalTcpPeers peers = peers(
                "",
                "   0: 0000000000000000FFFF00000100007F:D431 0000000000000000FFFF00000100007F:1010 01"
                        + " 00000000:00000000 00:00000000 00000000     0        0 13 1\n");

        assertThat(peers.of(at("127.0.0.1", 4112), at("127.0.0.1", 54321)))
                .contains(new PeerCredentials("root", "root"));
    }

    @Test
    void nobodyForARemoteClientAClosingSocketAnUnknownPortOrNoTables() throws IOException {
        String closing =
                "   1: 0100007F:D431 0100007F:1010 08 00000000:00000000 00:00000000 00000000  1000        0 12 1\n";
        LocalTcpPeers peers = peers(closing, "");

        assertThat(peers.of(at("127.0.0.1", 4112), at("10.0.0.7", 54321)))
                .as("not loopback")
                .isEmpty();
        assertThat(peers.of(at("127.0.0.1", 4112), at("127.0.0.1", 54321)))
                .as("CLOSE_WAIT")
                .isEmpty();
        assertThat(peers.of(at("127.0.0.1", 4112), at("127.0.0.1", 54322)))
                .as("no entry")
                .isEmpty();
        assertThat(LocalTcpPeers.NOBODY.of(at("127.0.0.1", 4112), at("127.0.0.1", 54321)))
                .isEmpty();
    }

    @Test
    void aUidWithoutANameStandsForItself() throws IOException {
        LocalTcpPeers peers = peers(
                "   1: 0100007F:D431 0100007F:1010 01 00000000:00000000 00:00000000 00000000  4242        0 12 1\n",
                "");

        assertThat(peers.of(at("127.0.0.1", 4112), at("127.0.0.1", 54321)))
                .contains(new PeerCredentials("4242", "4242"));
    }
}
