package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * Who is at the other end of a control-socket connection, as the kernel says ({@code SO_PEERCRED}): the user and
 * primary group of the process that connected, by name (the JDK resolves the ids through the user database, as
 * {@code id} does; an id without a name reads as the number).
 */
record PeerCredentials(String user, String group) {

    PeerCredentials {
        requireNonNull(user, "user is null");
        requireNonNull(group, "group is null");
    }

    /**
     * The peer of a Unix-socket connection. JDK 16+ reads {@code SO_PEERCRED} on Unix-domain channels ({@link
     * ExtendedSocketOptions#SO_PEERCRED}), which is what Jetty's {@code UnixDomainServerConnector} accepts, so no
     * native library is needed.
     */
    static Optional<PeerCredentials> of(EndPoint endPoint) {
        if (!(endPoint instanceof SocketChannelEndPoint channelEndPoint)
                || !(channelEndPoint.getChannel() instanceof SocketChannel channel)) {
            return Optional.empty();
        }
        try {
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return Optional.of(new PeerCredentials(
                    principal.user().getName(), principal.group().getName()));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
