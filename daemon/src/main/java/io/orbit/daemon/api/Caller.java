package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

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
     */
    record OverTcp(String remoteAddress, Optional<String> authorization, boolean viaDashboard) implements Caller {

        /** The header the dashboard's page sends with its changes: {@code Orbit-Client: dashboard}. */
        static final String CLIENT_HEADER = "Orbit-Client";

        public OverTcp {
            requireNonNull(remoteAddress, "remoteAddress is null");
            requireNonNull(authorization, "authorization is null");
        }

        OverTcp(String remoteAddress, Optional<String> authorization) {
            this(remoteAddress, authorization, false);
        }

        @Override
        public String describe() {
            return viaDashboard
                    ? "a token holder via the dashboard at " + remoteAddress
                    : "a token holder at " + remoteAddress;
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
