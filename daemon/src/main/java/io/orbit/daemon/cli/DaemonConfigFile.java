package io.orbit.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * Defaults for the daemon's flags from a YAML file ({@code /etc/orbit/orbit.yaml} in the packages), so a systemd unit
 * needs no flags. Precedence: command line, then environment ({@code ORBIT_RUNTIME}, {@code LOG_LVL}, {@code
 * ORBIT_INSTANCE}), then this file, then built-in defaults.
 *
 * <pre>
 *   runtime: podman
 *   config_dir: /etc/orbit/services
 *   api_address: 127.0.0.1:4112
 *   drain_timeout: 30s
 *   pull_timeout: 5m
 *   api_allowed_host: [orbit.example.com, 10.0.0.5]
 *   allow_host_access: false
 *   api_local_users: false
 *   max_service_file_size: 1Mi
 *   state_dir: /var/lib/orbit
 * </pre>
 *
 * Keys are the long flag names in snake_case. An unknown key or an unreadable file is an error naming the file.
 */
final class DaemonConfigFile implements CommandLine.IDefaultValueProvider {

    static final Path DEFAULT_PATH = Path.of("/etc/orbit/orbit.yaml");
    private static final Set<String> KEYS = Set.of(
            "config_dir",
            "proxy_address",
            "proxy_max_connections_per_client",
            "runtime",
            "runtime_socket",
            "log_level",
            "volume_dir",
            "api_address",
            "on_exit",
            "instance",
            "control_socket",
            "control_group",
            "api_token",
            "api_allowed_host",
            "drain_timeout",
            "pull_timeout",
            "allow_host_access",
            "api_local_users",
            "max_service_file_size",
            "state_dir");
    private static final Map<String, String> ENVIRONMENT_FIRST =
            Map.of("runtime", "ORBIT_RUNTIME", "log_level", "LOG_LVL", "instance", "ORBIT_INSTANCE");

    private final Map<String, String> values;
    private final Map<String, String> environment;

    private DaemonConfigFile(Map<String, String> values, Map<String, String> environment) {
        this.values = values;
        this.environment = environment;
    }

    /** The file named by {@code --config-file} or {@code $ORBIT_CONFIG}, else the default path if it exists. */
    static DaemonConfigFile load(Optional<Path> explicit, Map<String, String> environment) {
        Optional<Path> file = explicit.or(
                () -> Optional.ofNullable(environment.get("ORBIT_CONFIG")).map(Path::of));
        if (file.isEmpty()) {
            file = Files.isRegularFile(DEFAULT_PATH) ? Optional.of(DEFAULT_PATH) : Optional.empty();
        }
        return new DaemonConfigFile(file.map(DaemonConfigFile::read).orElse(Map.of()), environment);
    }

    static Map<String, String> read(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
            if (root == null || root.isMissingNode() || root.isNull()) {
                return Map.of();
            }
            if (!root.isObject()) {
                throw new IllegalArgumentException(file + ": expected a mapping of option names to values");
            }
            Map<String, String> values = new java.util.HashMap<>();
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                if (!KEYS.contains(field.getKey())) {
                    throw new IllegalArgumentException("%s: unknown key '%s' (known: %s)"
                            .formatted(file, field.getKey(), String.join(", ", new java.util.TreeSet<>(KEYS))));
                }
                values.put(field.getKey(), text(field.getValue()));
            }
            return Map.copyOf(values);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the daemon config file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A scalar as it is; a list (api_allowed_host: [a, b]) as the comma-separated value its flag also takes. */
    private static String text(JsonNode value) {
        if (!value.isArray()) {
            return value.asText();
        }
        java.util.List<String> items = new java.util.ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        return String.join(",", items);
    }

    @Override
    public @Nullable String defaultValue(CommandLine.Model.ArgSpec argument) {
        if (!(argument instanceof CommandLine.Model.OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^--", "").replace('-', '_');
        String variable = ENVIRONMENT_FIRST.get(key);
        String fromEnvironment = variable != null ? environment.get(variable) : null;
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        return values.get(key);
    }
}
