package io.orbit.engine.naming;

import java.util.Optional;
import java.util.UUID;

/**
 * Orbit's runtime names (ORBIT-REFERENCE §3.2): containers {@code {service}__{pod}__{container}__{uuid}}, per-pod
 * networks {@code {service}__{uuid}}, and the Orbit-compatible DNS alias {@code {service}-{container}}.
 */
public final class ContainerNames {

    private static final String SEPARATOR = "__";

    private ContainerNames() {}

    /** The parts of a container name. */
    public record Parsed(String service, int podNumber, String container, UUID pod) {}

    public static String container(String service, int podNumber, String container, UUID pod) {
        return service + SEPARATOR + podNumber + SEPARATOR + container + SEPARATOR + pod;
    }

    public static String podNetwork(String service, UUID pod) {
        return service + SEPARATOR + pod;
    }

    /** The alias Orbit's sidecars use to reach a sibling ({@code http://helloworld2-main:80}). */
    public static String orbitAlias(String service, String container) {
        return service + "-" + container;
    }

    /** Parses a name exactly (four parts, a number and a UUID); Orbit's substring matching is what we fix. */
    public static Optional<Parsed> parse(String name) {
        String[] parts = name.split(SEPARATOR, -1);
        if (parts.length != 4 || parts[0].isEmpty() || parts[2].isEmpty()) {
            return Optional.empty();
        }
        try {
            int podNumber = Integer.parseInt(parts[1]);
            UUID pod = UUID.fromString(parts[3]);
            if (podNumber < 0 || !pod.toString().equals(parts[3])) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(parts[0], podNumber, parts[2], pod));
        } catch (IllegalArgumentException notAnOrbitName) {
            return Optional.empty();
        }
    }
}
