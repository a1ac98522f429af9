package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/**
 * A container port published on the host.
 *
 * @param hostIp the host address to bind, e.g. {@code 127.0.0.1}; {@code 0.0.0.0} for all interfaces
 * @param hostPort the host port; 0 asks the engine for a random free port (in a {@link ContainerSpec}), the real
 *     port in {@link ContainerDetails#publishedPorts()}
 */
public record PortBinding(int containerPort, Protocol protocol, String hostIp, int hostPort) {

    public PortBinding {
        requireNonNull(protocol, "protocol is null");
        requireNonNull(hostIp, "hostIp is null");
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("containerPort out of range 1-65535: " + containerPort);
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new IllegalArgumentException("hostPort out of range 0-65535: " + hostPort);
        }
    }

    /** A TCP port published on a random port of the loopback interface. */
    public static PortBinding loopbackRandom(int containerPort) {
        return new PortBinding(containerPort, Protocol.TCP, "127.0.0.1", 0);
    }

    public enum Protocol {
        TCP,
        UDP;

        /** The engines' spelling: {@code tcp}, {@code udp}. */
        public String wireName() {
            return switch (this) {
                case TCP -> "tcp";
                case UDP -> "udp";
            };
        }

        public static Protocol fromWireName(String name) {
            return switch (name) {
                case "tcp", "TCP" -> TCP;
                case "udp", "UDP" -> UDP;
                default -> throw new IllegalArgumentException("unknown protocol: " + name);
            };
        }
    }
}
