package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The local user at the other end of a loopback TCP connection to the API, as the kernel's socket table says
 * ({@code /proc/net/tcp} and {@code tcp6}: the client's own socket is the entry whose local address is the client's
 * and whose remote address is the API's, and it names the uid that owns it — what {@code ss -tnpe} and identd read).
 * With it a change from a page or a tool on this host follows the control socket's rules (root, the daemon's user, or
 * the control group) instead of needing the API token.
 *
 * <p>Only loopback clients are looked up: a connection from another host has no entry of its own here. A connection
 * from a container in its own network namespace comes from a bridge address, not loopback, so it is never a local
 * user. The tables are read only for a change without a token, and at most {@value #MAX_LINES} lines of each.
 */
final class LocalTcpPeers {
    static final int MAX_LINES = 200_000;
    static final LocalTcpPeers SYSTEM = new LocalTcpPeers(
            List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")),
            Path.of("/etc/passwd"),
            Path.of("/etc/group"));

    /** Recognises nobody: without {@code --api-local-users}, TCP changes need the token. */
    static final LocalTcpPeers NOBODY = new LocalTcpPeers(List.of(), Path.of("/etc/passwd"), Path.of("/etc/group"));

    private static final int ESTABLISHED = 0x01;

    private final List<Path> tables;
    private final Path passwd;
    private final Path group;

    LocalTcpPeers(List<Path> tables, Path passwd, Path group) {
        this.tables = List.copyOf(tables);
        this.passwd = requireNonNull(passwd, "passwd is null");
        this.group = requireNonNull(group, "group is null");
    }

    /**
     * @param server the API's end of the connection
     * @param client the client's end
     * @return the user and primary group owning the client's socket, when the client is on this host's loopback
     */
    Optional<PeerCredentials> of(InetSocketAddress server, InetSocketAddress client) {
        InetAddress address = client.getAddress();
        if (address == null || !address.isLoopbackAddress() || server.getAddress() == null) {
            return Optional.empty();
        }
        for (Path table : tables) {
            // An IPv4 client of an IPv6 (dual-stack) listener is listed in tcp6 with IPv4-mapped addresses.
            boolean ipv6Table = !table.getFileName().toString().equals("tcp");
            OptionalInt uid = ownerOf(table, endpoint(client, ipv6Table), endpoint(server, ipv6Table));
            if (uid.isPresent()) {
                return credentials(uid.getAsInt());
            }
        }
        return Optional.empty();
    }

    /**
     * An address and port as the socket table writes them: each 32-bit word of the address in host (little) order;
     * for the tcp6 table an IPv4 address is written IPv4-mapped ({@code ::ffff:a.b.c.d}).
     */
    static String endpoint(InetSocketAddress socket, boolean ipv6Table) {
        byte[] bytes = requireNonNull(socket.getAddress(), "address is null").getAddress();
        if (ipv6Table && bytes.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        } else if (!ipv6Table && bytes.length != 4) {
            return "";
        }
        StringBuilder hex = new StringBuilder(bytes.length * 2 + 5);
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                hex.append("%02X".formatted(bytes[word + i] & 0xff));
            }
        }
        return hex.append(':').append("%04X".formatted(socket.getPort())).toString();
    }

    private static OptionalInt ownerOf(Path table, String local, String remote) {
        if (local.isEmpty() || remote.isEmpty()) {
            return OptionalInt.empty();
        }
        try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            reader.readLine(); // the header
            String line;
            for (int n = 0; n < MAX_LINES && (line = reader.readLine()) != null; n++) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] fields = line.strip().split("\\s+");
                if (fields.length > 7
                        && fields[1].equalsIgnoreCase(local)
                        && fields[2].equalsIgnoreCase(remote)
                        && Integer.parseInt(fields[3], 16) == ESTABLISHED) {
                    return OptionalInt.of(Integer.parseInt(fields[7]));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // No table (not Linux, a restricted /proc) or a line we do not understand: nobody is recognised.
        }
        return OptionalInt.empty();
    }

    /** The uid's name and primary group by name, as {@code id} prints them (the number when it has no name). */
    private Optional<PeerCredentials> credentials(int uid) {
        Optional<String[]> user = entry(passwd, 2, Integer.toString(uid));
        String name = user.map(fields -> fields[0]).orElse(Integer.toString(uid));
        String gid = user.filter(fields -> fields.length > 3)
                .map(fields -> fields[3])
                .orElse("");
        String groupName = entry(group, 2, gid).map(fields -> fields[0]).orElse(gid.isEmpty() ? name : gid);
        return Optional.of(new PeerCredentials(name, groupName));
    }

    /** The first line of a colon-separated database whose field {@code index} is {@code value}. */
    private static Optional<String[]> entry(Path database, int index, String value) {
        try (BufferedReader reader = Files.newBufferedReader(database, StandardCharsets.UTF_8)) {
            String line;
            for (int n = 0; n < MAX_LINES && (line = reader.readLine()) != null; n++) {
                String[] fields = line.split(":", -1);
                if (fields.length > index && fields[index].equals(value)) {
                    return Optional.of(fields);
                }
            }
        } catch (IOException unreadable) {
            // An unreadable database: the uid stands for itself.
        }
        return Optional.empty();
    }
}
