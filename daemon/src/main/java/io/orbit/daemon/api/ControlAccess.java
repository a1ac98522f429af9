package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may change services (scale, restart). Reads are open to whoever reaches the API: on the control socket the
 * file permissions already decide that, on TCP the bind address does.
 *
 * <ul>
 *   <li>Control socket: the peer's credentials from the kernel must be root, the daemon's own user, or a member of
 *       the {@code --control-group}. (The socket's mode, 0600 or 0660 with that group, keeps others from connecting
 *       in the first place; this check still holds when someone loosens the mode.)
 *   <li>TCP: with {@code --api-token}, requests carrying {@code Authorization: Bearer TOKEN}: none gives 401, a
 *       wrong one 403. Without a token, a client on this host's loopback whose socket belongs to a user the control
 *       socket would accept (the same rule, {@link LocalTcpPeers}) — a page or a tool run by root, the daemon's user or
 *       a member of the control group. Anything else is refused (401 with a token file, 403 without), whatever the
 *       bind address.
 * </ul>
 *
 * Pure apart from the group file: the policy is unit-tested with fake credentials.
 */
final class ControlAccess {

    private final Optional<ApiToken> token;
    private final Set<String> trustedUsers;
    private final Optional<String> group;
    private final GroupDatabase groups;
    private final String tcpAddress;

    /**
     * @param trustedUsers the users who may always change services: root and the daemon's own user
     * @param tcpAddress the TCP API's address, for messages
     */
    ControlAccess(
            Optional<ApiToken> token,
            Set<String> trustedUsers,
            Optional<String> group,
            GroupDatabase groups,
            String tcpAddress) {
        this.token = requireNonNull(token, "token is null");
        this.trustedUsers = Set.copyOf(trustedUsers);
        this.group = requireNonNull(group, "group is null");
        this.groups = requireNonNull(groups, "groups is null");
        this.tcpAddress = requireNonNull(tcpAddress, "tcpAddress is null");
    }

    /** @throws ApiException 401 or 403 with the reason and the fix when the caller may not call the endpoint */
    void check(ApiEndpoint endpoint, Caller caller) {
        if (endpoint.access() == ApiEndpoint.Access.READ) {
            return;
        }
        switch (caller) {
            case Caller.OverTcp tcp -> checkToken(tcp);
            case Caller.OverSocket socket -> checkPeer(socket);
        }
    }

    private void checkToken(Caller.OverTcp tcp) {
        if (tcp.authorization().isEmpty()
                && tcp.localUser().get().filter(this::mayChange).isPresent()) {
            return; // a local user the control socket would accept
        }
        if (token.isEmpty()) {
            throw new ApiException(
                    403,
                    "changes are not accepted on the TCP API (%s): the daemon runs without --api-token"
                            .formatted(tcpAddress),
                    "use the control socket (orbit scale and orbit restart do, on this host, as " + whoMayChange()
                            + "; from this host's loopback the same users may change over TCP too), or start the"
                            + " daemon with --api-token FILE and send 'Authorization: Bearer <token>'");
        }
        Optional<String> presented = tcp.authorization()
                .filter(header -> header.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(header -> header.substring(7).strip());
        if (presented.isEmpty()) {
            throw new ApiException(
                            401,
                            "this change needs the API token",
                            "send 'Authorization: Bearer <token>' with the token from "
                                    + token.get().file() + " (orbit --api-token FILE does)")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"orbit\"");
        }
        if (!token.get().matches(presented.get())) {
            throw new ApiException(
                    403,
                    "wrong API token",
                    "send the token from the daemon's --api-token file ("
                            + token.get().file() + ")");
        }
    }

    private void checkPeer(Caller.OverSocket socket) {
        if (socket.peer().isEmpty()) {
            throw new ApiException(
                    403,
                    "the control socket could not tell who is calling, so it refuses changes",
                    "this needs a Linux kernel that reports SO_PEERCRED on Unix sockets");
        }
        PeerCredentials peer = socket.peer().get();
        if (mayChange(peer)) {
            return;
        }
        throw new ApiException(
                        403,
                        "user %s (group %s) may not change services".formatted(peer.user(), peer.group()),
                        group.map(name -> "run as " + whoMayChange() + "; add the user with: usermod -aG " + name + " "
                                        + peer.user() + " (then log in again)")
                                .orElse("run as " + whoMayChange()
                                        + ", or start the daemon with --control-group GROUP and add the user to it"))
                .with("user", peer.user());
    }

    /** The control socket's rule: root, the daemon's own user, or a member of the control group. */
    private boolean mayChange(PeerCredentials peer) {
        return trustedUsers.contains(peer.user())
                || group.filter(name -> groups.isMember(peer, name)).isPresent();
    }

    private String whoMayChange() {
        String users = String.join(" or ", new TreeSet<>(trustedUsers));
        return group.map(name -> users + " or a member of group " + name).orElse(users);
    }
}
