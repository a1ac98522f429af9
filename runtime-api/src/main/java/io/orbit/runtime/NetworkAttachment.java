package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A network the container joins, and the DNS names it answers to there (besides its own name). */
public record NetworkAttachment(String network, List<String> aliases) {

    public NetworkAttachment {
        requireNonNull(network, "network is null");
        aliases = List.copyOf(aliases);
    }

    public static NetworkAttachment of(String network, String... aliases) {
        return new NetworkAttachment(network, List.of(aliases));
    }
}
