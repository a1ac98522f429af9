package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Who sent a request, as far as the connection tells: the peer of the control socket, or a TCP client. */
sealed interface Caller {

    /** For the journal and error messages, e.g. {@code user root on the control socket}. */
    String describe();

    /**
     * A client of the TCP API.
     *
     * @param remoteAddress the client's address, for the journal only
     * @param authorization the {@code Authorization} header as sent
     * @param viaDashboard the request came from the dashboard's page (it says so in {@value #CLIENT_HEADER}); only
     *     the journal's wording depends on it, never a permission
     * @param localUser the user owning the client's socket when the client is on this host's loopback ({@link
     *     LocalTcpPeers}), looked up once and only when asked (a change without a token)
     */
    record OverTcp(
            String remoteAddress,
            Optional<String> authorization,
            boolean viaDashboard,
            Supplier<Optional<PeerCredentials>> localUser)
            implements Caller {

        /** The header the dashboard's page sends with its changes: {@code Orbit-Client: dashboard}. */
        static final String CLIENT_HEADER = "Orbit-Client";

        public OverTcp {
            requireNonNull(remoteAddress, "remoteAddress is null");
            requireNonNull(authorization, "authorization is null");
            requireNonNull(localUser, "localUser is null");
        }

        OverTcp(String remoteAddress, Optional<String> authorization, boolean viaDashboard) {
            this(remoteAddress, authorization, viaDashboard, Optional::empty);
        }

        OverTcp(String remoteAddress, Optional<String> authorization) {
            this(remoteAddress, authorization, false);
        }

        /** A memoizing lookup: the socket table is read at most once per request. */
        static Supplier<Optional<PeerCredentials>> once(Supplier<Optional<PeerCredentials>> lookup) {
            return new Supplier<>() {
                private @Nullable Optional<PeerCredentials> value;

                @Override
                public synchronized Optional<PeerCredentials> get() {
                    Optional<PeerCredentials> known = value;
                    if (known == null) {
                        known = lookup.get();
                        value = known;
                    }
                    return known;
                }
            };
        }

        @Override
        public String describe() {
            String who = authorization.isPresent()
                    ? "a token holder"
                    : localUser.get().map(user -> "user " + user.user()).orElse("a client");
            return viaDashboard ? who + " via the dashboard at " + remoteAddress : who + " at " + remoteAddress;
        }
    }

    /** A client of the control socket; the peer is empty when the kernel would not say who it is. */
    record OverSocket(Optional<PeerCredentials> peer) implements Caller {
        public OverSocket {
            requireNonNull(peer, "peer is null");
        }

        @Override
        public String describe() {
            return peer.map(credentials -> "user " + credentials.user() + " on the control socket")
                    .orElse("an unknown user on the control socket");
        }
    }
}
