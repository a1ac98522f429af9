package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to create a container.
 *
 * @param command the command, replacing the image's CMD; empty keeps the image's
 * @param stopTimeout how long {@code stop} waits after SIGTERM before SIGKILL
 * @param secrets engine secret objects mounted as files (only where the engine has them)
 */
public record ContainerSpec(
        String name,
        String image,
        List<String> command,
        Map<String, String> env,
        Map<String, String> labels,
        List<PortBinding> ports,
        ResourceLimits limits,
        List<NetworkAttachment> networks,
        List<Mount> mounts,
        Duration stopTimeout,
        boolean privileged,
        List<SecretMount> secrets) {

    public ContainerSpec {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
        requireNonNull(limits, "limits is null");
        networks = List.copyOf(networks);
        mounts = List.copyOf(mounts);
        secrets = List.copyOf(secrets);
        requireNonNull(stopTimeout, "stopTimeout is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("container name is blank");
        }
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("stopTimeout is negative: " + stopTimeout);
        }
    }

    /** Without the env values: they may hold secrets ({@code env_file}, {@code as: env}), and specs reach logs. */
    @Override
    public String toString() {
        return "ContainerSpec[name=" + name + ", image=" + image + ", command=" + command + ", env keys="
                + new java.util.TreeSet<>(env.keySet()) + ", labels=" + labels + ", ports=" + ports + ", limits="
                + limits + ", networks=" + networks + ", mounts=" + mounts + ", stopTimeout=" + stopTimeout
                + ", privileged=" + privileged + ", secrets=" + secrets + "]";
    }

    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** A builder, because most containers set only a few of these fields. */
    public static final class Builder {
        private final String name;
        private final String image;
        private List<String> command = List.of();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<PortBinding> ports = new ArrayList<>();
        private ResourceLimits limits = ResourceLimits.NONE;
        private final List<NetworkAttachment> networks = new ArrayList<>();
        private final List<Mount> mounts = new ArrayList<>();
        private Duration stopTimeout = Duration.ofSeconds(10);
        private boolean privileged;
        private final List<SecretMount> secrets = new ArrayList<>();

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        public Builder command(List<String> command) {
            this.command = List.copyOf(command);
            return this;
        }

        public Builder command(String... command) {
            return command(List.of(command));
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> values) {
            labels.putAll(values);
            return this;
        }

        public Builder port(PortBinding port) {
            ports.add(port);
            return this;
        }

        public Builder limits(ResourceLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder network(NetworkAttachment network) {
            networks.add(network);
            return this;
        }

        public Builder mount(Mount mount) {
            mounts.add(mount);
            return this;
        }

        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = stopTimeout;
            return this;
        }

        public Builder privileged(boolean privileged) {
            this.privileged = privileged;
            return this;
        }

        public Builder secret(SecretMount secret) {
            secrets.add(secret);
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(
                    name,
                    image,
                    command,
                    env,
                    labels,
                    ports,
                    limits,
                    networks,
                    mounts,
                    stopTimeout,
                    privileged,
                    secrets);
        }
    }
}
